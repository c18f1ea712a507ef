//! The keyword prefilter.
//!
//! A plain Aho-Corasick DFA over a couple of hundred case-insensitive keywords runs at about
//! 300 MB/s: its transition table does not fit the L1 cache and every byte is a dependent
//! load. Instead:
//!
//! 1. Only *minimal* keywords need anchors: a keyword that contains another keyword
//!    (`aws_secret` ⊃ `secret`) cannot occur without it.
//! 2. Each minimal keyword is represented by its rarest trigram (estimated from byte and
//!    trigram frequencies of ordinary source code and text); keywords shorter than three bytes
//!    are their own anchor.
//! 3. Bytes map to at most 63 classes (case-folded; only rare punctuation may share a class).
//!    The classes of the last three bytes fold into a 15-bit key, tested against a 4 KiB bitset
//!    that stays in L1. The hot loop is a table load, two shifts, two xors, a bit test and a
//!    rarely taken branch; folding collisions only cost a rejected candidate.
//! 4. Every keyword has exactly one *designated* anchor occurrence (the first anchor inside
//!    it). A candidate position looks up the keywords designated to the trigram found there and
//!    compares each of them in place. A keyword occurrence always contains its designated
//!    anchor, so every occurrence is found, and found once.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Bits per byte class; 2^CLASS_BITS - 1 usable classes (0 = "in no anchor"). Six bits give
/// every case-folded ASCII letter and digit its own class (base64 and minified code use them
/// all about equally, so sharing classes there would flood the filter).
const CLASS_BITS: u32 = 6;
const MAX_CLASS: usize = (1 << CLASS_BITS) - 1;
/// Folded key width and first-level bitset size (4 KiB).
const KEY_BITS: u32 = 15;
const KEY_MASK: u32 = (1 << KEY_BITS) - 1;
const WORDS: usize = 1 << (KEY_BITS - 6);
/// Exact class-trigram key width and second-level bitset size (32 KiB), consulted only when
/// the first level fires.
const EXACT_BITS: u32 = 3 * CLASS_BITS;
const EXACT_WORDS: usize = 1 << (EXACT_BITS - 6);
/// Bytes tested per branch-free step of the hot loop.
const STEP: usize = 16;

fn exact(c0: u32, c1: u32, c2: u32) -> u32 {
    (c0 << (2 * CLASS_BITS)) | (c1 << CLASS_BITS) | c2
}

/// Fold three classes into a key. Not injective; collisions are rejected by the exact check.
#[inline(always)]
fn fold(c0: u32, c1: u32, c2: u32) -> u32 {
    ((c0 << 10) ^ (c1 << 5) ^ c2) & KEY_MASK
}

/// A small open-addressing map from packed trigrams to designated keyword lists.
#[derive(Debug, Default)]
struct TrigramTable {
    /// (packed trigram + 1, start, len) into `entries`; key 0 marks an empty slot.
    slots: Vec<(u32, u32, u32)>,
    entries: Vec<Entry>,
    shift: u32,
}

impl TrigramTable {
    fn build(mut items: Vec<(u32, Entry)>) -> TrigramTable {
        items.sort_by_key(|(k, e)| (*k, e.keyword));
        let distinct = items
            .windows(2)
            .filter(|w| matches!(w, [a, b] if a.0 != b.0))
            .count()
            + 1;
        let cap = (distinct * 4).next_power_of_two().max(16);
        let mut t = TrigramTable {
            slots: vec![(0, 0, 0); cap],
            entries: Vec::with_capacity(items.len()),
            shift: 32 - cap.trailing_zeros(),
        };
        let mut i = 0;
        while let Some(&(key, _)) = items.get(i) {
            let start = t.entries.len();
            while let Some((k, e)) = items.get(i).filter(|(k, _)| *k == key) {
                let _ = k;
                t.entries.push(*e);
                i += 1;
            }
            let mut slot = t.home(key);
            while t.slots.get(slot).is_some_and(|s| s.0 != 0) {
                slot = (slot + 1) & (cap - 1);
            }
            if let Some(s) = t.slots.get_mut(slot) {
                *s = (key + 1, start as u32, (t.entries.len() - start) as u32);
            }
        }
        t
    }

    fn home(&self, key: u32) -> usize {
        (key.wrapping_mul(0x9E37_79B1) >> self.shift) as usize
    }

    fn get(&self, key: u32) -> &[Entry] {
        if self.slots.is_empty() {
            return &[];
        }
        let mask = self.slots.len() - 1;
        let mut slot = self.home(key);
        loop {
            match self.slots.get(slot) {
                Some(&(k, start, len)) if k == key + 1 => {
                    return self
                        .entries
                        .get(start as usize..(start + len) as usize)
                        .unwrap_or_default();
                }
                Some(&(0, _, _)) | None => return &[],
                Some(_) => slot = (slot + 1) & mask,
            }
        }
    }
}

/// -log2 of each ASCII byte's frequency in a sample of source code and text (lowercased),
/// capped at 20; bytes outside ASCII count as rare.
const BYTE_COST: [u8; 128] = [
    20, 20, 20, 20, 20, 20, 20, 20, 20, 12, 5, 20, 20, 18, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20,
    20, 20, 20, 20, 20, 20, 20, 20, 2, 12, 7, 8, 12, 10, 12, 6, 7, 7, 9, 10, 6, 8, 6, 9, 7, 8, 8,
    9, 9, 9, 9, 9, 9, 9, 7, 10, 11, 7, 9, 12, 11, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20,
    20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 9, 9, 9, 14, 6, 9, 5, 7, 6, 6, 4, 6, 7,
    6, 5, 9, 8, 5, 6, 5, 5, 6, 8, 5, 5, 4, 6, 7, 8, 7, 7, 9, 10, 11, 10, 13, 20,
];

/// The 2,000 most frequent printable trigrams (lowercased, most frequent first) of a sample of
/// third-party Python, JavaScript and distribution text: an anchor should avoid them, and the
/// later one appears here the rarer it is.
const COMMON_TRIGRAMS: &str = concat!(
    r#"selelfionthetiolf.ingturretameetuterurndefentfornamconstrateandparstaoneectval(seodeatiresallquf"#,
    r#"ileortonsctinottribqunonlenerrassaluverlueite---ersporfilextistreadatgetpatinetypargcodrromenpro"#,
    r#"roruncntethiderintypeimplseptif._rinlasontfunsetcomendultlinbleesthislatmodpreobjtedtinathessapp"#,
    r#"icaclaithserpereadasenstequarsfrorominsoptsiompousettendeara'),witdletorabltateraormratlf,0fb,0,"#,
    r#"rsefbqkeynceackfiecalchethoindnctjecram0x0reqtesmatatametufdatttemletexcpletextruherieleldettare"#,
    r#"bjeeptelsalsenc(0xvariresinertx00locexpqumageufbnalartcepet_emedir_intra_cooutmpltim_naere0,0que"#,
    r#"omplischaisergsraiope_reqyximeumsfdlrenrsiplaxcepengicthabqyer(basalifintalactagidecourdinruerec"#,
    r#"000mes\n'levrceangtanwariniaceaisefahandellf)cagaulsedfauivettrdisancordrmatryecotarfalcolredles"#,
    r#"ulem',tenhatefinbqces_fiuespecppe'm'adduffntsachharadeodu_ster.e):aincat_pa.coeleizeoretchenbssi"#,
    r#"pacsourepurcethdulq0fockdqusq0or(quibuturlnitse:vbqxdqnco__(refer_man===xfqfqu\u0etaeveundlicner"#,
    r#"mapumemalposspecanict.rerited_itinew0x1sruounothrufntaignesu.paevbracatcarrnumhastabuirdic.geon("#,
    r#"ransulutiis.curcapstee(sighntif):ina_di.__es.atocreinfempespputsesoveworrigensuteointe_ne:st_low"#,
    r#"ribce(hodillme,okeeatngslibheaberplirrakenon.lemengommonaeteremnodialfbridenfooseled'\urayghtena"#,
    r#"lleme)nse.stliturertsferleaastisind(ripecingtoolon_s.peerropdexsupmbereldenne,fixdes'\xtrewhiail"#,
    r#"gthroudedle_ibuue)ninust_(sse_ildvenle.ssewhearyntrostsystok_lineseliincspaminsubbacrtictohec_se"#,
    r#"it_ecksigtuplerte(apitilngewriloaernnedyxfook=nopinginle(ndlythger.exitachipriodie()eriiesgenave"#,
    r#"oriifilogry:ts.ctee('unipytedins.en(smaer,honed.showinrtenneene_ma,1,os.msrocasitndiirst__xprsec"#,
    r#"screscpasnt_henullexe_ex.apnt(regcac_decorrrels.orsupptr(hinanyyxdrns_prne)tiaytergummame_untffe"#,
    r#"gum(vacas0x2lidcri[2,esehoulooticonfcloet(umbotef.sraprunonnbytng.oadld_er).sepitepremostos):cke"#,
    r#"labsolearlloquuuplnvesizicespotivr()f.cpilnor***uil__ibuimpitaihttsentacigi(co_chttpgraanssees()"#,
    r#"maiponhilfla.demarory_to_mot(swil_loipt,3,maxnecnfilacarisag001akeashth.flekwa_geinvreeemaon,(re"#,
    r#"bufs.aue,eamst(ssa_ty\u2t_slifng_in(joi_cale,blo,2,thrarnenvt()dephel_forabspl[0]ityoululdr(st_c"#,
    r#"_mee_ss.sr):al_llion'lecurrrsxown_vailtrstualin_autilsnd_re(is_fflbrswraollricboo>>>onvcka_opold"#,
    r#"_cluus(pa.prtagrotonlsorse,gs)tbqcopecukageas_venlys(sor:iagrs.msqexihavnsironrnaichgroegeltebia"#,
    r#"losme(.inrtyrt_cbie',otoervllyre_oluolsmovamsn(se_folee_cn'tarkxte.legesstyroccouerm0xfomeante__"#,
    r#"or_xg4de(ltiardsxdrdest.uicrev.en.fict_eedltsppick_ct.veles(ondelpg4gt):eryt_fndsse(oupyle(stcls"#,
    r#"fbsstses,doc.maxtrppolagiedon)itsmedys.ll_scainpfirowelonldsngoepacifinkfigtylto_xuimpttpuf.pamp"#,
    r#"or.acctromsgkinlizhoshesfrariasocutp4gindoth(osijanoceemsmeror,th)mpadjahornat_enbrent.le)hrolde"#,
    r#"t_tcenclucceng,issrgeme.etieakte.binctst('.ismus.nastit_dedexpof.e(obdownpue_nstdnullumlud(intit"#,
    r#"hemmit.lonex().ss_._sumne':eso1,1es)er'_le'\nf.red,sonrvee_ps',())('.were.etegopyhicst,lefela_si"#,
    r#"quapesnt,greth,_aro0flexmuls.carc_daepldoucleriet_psturniootviregise)isoetrdit.jossudreimiu00ng("#,
    r#"exaralbelgs,eanmaccut._cuct(nags.atunaricbrawagses:7qumakeferarmemttieenskitopbugrchebuew_re.deb"#,
    r#"f.firove_al(seqroopedsep():you2,2@pa_tee_ds._nvide.ry_gispip3,3oloit(.fof.doraueeufjncludeuere_t"#,
    r#"nglth_quoliapoiotaptsbrat_nvedce_unkfjlom_'v'pplrowape/**foutooaleeca_kenic1xueftoes_noenoimauot"#,
    r#"rolabekupusiannrucse.sufuthhreeofnowliggivsxf0,1xerdifx1d(fiikesyned(at(tlexecepewidada'reglella"#,
    r#"eysinuketublrmif.mmisf.alarmordett_lqunicolik');gnoupeoff7xgddrjleorkqukptyful...st)tcb.adta_geo"#,
    r#"idauks200t_m=trssxt',bssd(s.op_tavidiaseoulane.stfo-\ussl*kwneego.shacks(no**kmeodonlt_sqlteees_"#,
    r#"ndaetsdoeushell'./s.ect(lobeacflo.mo_hade_hedogror)yiepeeng)utfask0xaanacooxis=far('v')'co.spurs"#,
    r#"ogg0x3__ns__(arsam_al.erovisch_une))okumonnvaowsxam.pytomrovyris.leekas_pe(el_popboxdig_laglon_t"#,
    r#"bodsymodytot(th_head_pdaerodbq@prld.sumdarnnor___poe_etr)t_r_badd_e_lyxjifydiaupdes'et.leluenta."#,
    r#"nsulor'):n()e')ausmay_frfbt.ch(fu%s'ilinenf.lnt).wron:e.crogtr,ggegitsco.clywozips':ieromaobasim"#,
    r#"eyw.poegaokiefoutoatf:[2~~~limlbad_pe_rle:ts,ed:kerllbongliensousrswial.lbqebagme255.cashebarths"#,
    r#"tet__ce_ahtmkipow_domen_f.icumd_nrs,fic1,0._m_neisaula[std()rs)tmlr',ll(s_siblce.s.i});micib.emb"#,
    r#"mmeystfaiked'stsurt')jqutlicerxt_ck.._pe(o.tehquoncfseibrt_apusut_xt.dthkie(exntots)'))_buts(_tr"#,
    r#"_wi_urddihunnmen):de,xjq(opxt(*arlpect)ax_abspbmidtbitocobqvd_cadibousaf(),oopavar0f'inffschutoc"#,
    r#"asct_efol.soait._f.vatlyzer._i://'dene.s.g;':balafelayypinet:panag_orece'x'edbsomf.nf.tddee_iwai"#,
    r#"_fuousal)ct,xpeteaey,n',tadrdsisp_it(itpp_(li.orbqzroxd',(detifpe.howge_er:migry.[1,r.pmpr.to3,2"#,
    r#"e_maysdrack(omicmd002ne(le'f.g2,1ge(vietdoxhq_spfacurierf.di,25sr0visd_s.ligihes[altetcivaeep00d"#,
    r#"0,2rmstuted)r_sseaoubd_frneelo'%sns)onmfteme=bolesing'__d(datecne__suwasp._cimt_ielbufhzon(kes')"#,
    r#"ce,pe'sats.dryxe_oue.quco1xknosh(t_oiffch_d_acs..uted'hitbrys.msrcip.55,abime'holch(p()nlils,lve"#,
    r#"ucsevi1,2hle(macausidciaaftgat.keickriv_wrtdeolvjso_atynctipe(c=set'san_cqutpslsovesn_se(fridfhl"#,
    r#"gex(typtocro_so_tiguame:on-de)ts_awitwoiewiabtiemboncr_isdlipe,fdochopcoxt)_erss:[1]u20eva@reecs"#,
    r#"t.susqodsss.otiat_(clbefrlleinrilsibtonal[ta)uns.ituss'__x')nleigrctuss(__s(mor_cerbsisut.tusien"#,
    r#"_adrs(.dats[savttbway68,ssoksqn')nqu_do_byilart(ey)ealslitr]asa_obup_.pueporagns(rkepicnsp__'nue"#,
    r#"-1]l(scedasyfreercke_sucgnams(e(ncem\\ub0act'.ha00aabael,x1eitlitte.g._riat_flut,53,\u1lred_meom"#,
    r#"up(op(en.ymbum7s))rosroblaml_s006s_cnth)))cligorr(cabcged.\nl):telng:oxyns:erldghtf-ns,ar_iciy',"#,
    r#"oattasosse(re(vit'oty._le),fooutadayd_tce)(prf.wambcii)):100sn'hai2,3d_l(tessw_idt.poidd_opths.u"#,
    r#"rs:le[x2fe(isarianaglnvobtyjusdevd_dffi0xbme]duce);slaip_pe_)),tuaubcfutscif.o)._roasabon=cyrihr"#,
    r#"ts:xitvio-inaboixenabrriad(erws['elyy()._vbst.vee(tnksaw5r')et,nchps:();0xc\x0(diztb0x9\x1_scngu"#,
    r#"s_pzed0],'a'er=0x8lqu__r('arsoenuiguxt,gs[el.bossegpe)_onbclp_ltnaeitds.:clufns.rip(0x4th:f.bs:`"#,
    r#"l',orgt_bdees=n.wa'focklughnt:peopann':s.f.meuradidjbq'tytyxrdiyerppr._d('pe._rboocuf-8polsworer"#,
    r#"vatt.at._s[0r':erpeelougplyt':u01e(pe=nr(fqkf.noo.c5,2celxg5tibte,gigady.ba.usil.'th1],0ag[inbec"#,
    r#"__.trsufp_ho011nd.cebcitwiststaso253em_rwiue`le="#,
);

/// Rank of a (lowercase) trigram in [`COMMON_TRIGRAMS`]: 0 for the most frequent.
fn common_rank(t: &[u8]) -> Option<usize> {
    static RANKS: OnceLock<HashMap<[u8; 3], usize>> = OnceLock::new();
    let ranks = RANKS.get_or_init(|| {
        COMMON_TRIGRAMS
            .as_bytes()
            .chunks_exact(3)
            .enumerate()
            .filter_map(|(i, c)| <[u8; 3]>::try_from(c).ok().map(|k| (k, i)))
            .collect()
    });
    <[u8; 3]>::try_from(t)
        .ok()
        .and_then(|k| ranks.get(&k).copied())
}

fn byte_cost(b: u8) -> i32 {
    i32::from(BYTE_COST.get(usize::from(b)).copied().unwrap_or(20))
}

/// How rare a (lowercase) trigram is expected to be: any trigram outside the common list beats
/// every trigram in it; within each group, rarer bytes or a later rank win.
fn trigram_score(t: &[u8]) -> i64 {
    match common_rank(t) {
        Some(rank) => rank as i64,
        None => 1_000_000 + t.iter().map(|&b| i64::from(byte_cost(b))).sum::<i64>(),
    }
}

/// The anchor of one (lowercase) keyword: its rarest trigram, or the keyword itself when
/// shorter than three bytes.
fn anchor_of(k: &[u8]) -> Vec<u8> {
    if k.len() <= 3 {
        return k.to_vec();
    }
    let mut best = (i64::MIN, 0usize);
    for i in 0..=k.len() - 3 {
        let s = trigram_score(k.get(i..i + 3).unwrap_or_default());
        if s > best.0 {
            best = (s, i);
        }
    }
    k.get(best.1..best.1 + 3).unwrap_or(k).to_vec()
}

/// The anchors for a keyword list (lowercase, deduplicated).
pub(crate) fn anchors(keywords: &[String]) -> Vec<Vec<u8>> {
    let lower: Vec<Vec<u8>> = keywords
        .iter()
        .map(|k| k.to_ascii_lowercase().into_bytes())
        .collect();
    let minimal = lower.iter().filter(|k| {
        !k.is_empty()
            && !lower
                .iter()
                .any(|o| !o.is_empty() && o.len() < k.len() && memchr::memmem::find(k, o).is_some())
    });
    let mut out: Vec<Vec<u8>> = minimal.map(|k| anchor_of(k)).collect();
    out.sort();
    out.dedup();
    out
}

/// A keyword designated to an anchor: the keyword's index and where the anchor starts in it.
#[derive(Debug, Clone, Copy)]
struct Entry {
    keyword: usize,
    offset: usize,
}

/// Keyword search: exact, case-insensitive, all (overlapping) occurrences.
pub(crate) struct Prefilter {
    /// Lowercase keywords, indexed like the caller's list.
    keywords: Vec<Vec<u8>>,
    /// Byte → class (case-folded); 0 for bytes in no anchor.
    class: [u8; 256],
    /// One bit per folded class trigram that may be an anchor.
    bits: Box<[u64; WORDS]>,
    /// One bit per exact class trigram that may be an anchor.
    exact_bits: Box<[u64; EXACT_WORDS]>,
    /// Trigram anchors (lowercase bytes packed little-endian) → designated keywords.
    trigrams: TrigramTable,
    /// Anchors shorter than three bytes (keywords that short) → designated keywords.
    short: Vec<(Vec<u8>, Vec<Entry>)>,
}

impl std::fmt::Debug for Prefilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prefilter")
            .field("keywords", &self.keywords.len())
            .field(
                "trigram_anchors",
                &self.trigrams.slots.iter().filter(|s| s.0 != 0).count(),
            )
            .field("short_anchors", &self.short.len())
            .finish()
    }
}

fn pack(t: &[u8]) -> u32 {
    t.iter().take(3).enumerate().fold(0u32, |acc, (i, &b)| {
        acc | (u32::from(b.to_ascii_lowercase()) << (8 * i))
    })
}

impl Prefilter {
    pub(crate) fn new(keywords: &[String]) -> Option<Prefilter> {
        let lower: Vec<Vec<u8>> = keywords
            .iter()
            .map(|k| k.to_ascii_lowercase().into_bytes())
            .collect();
        let anchors = anchors(keywords);
        if anchors.is_empty() {
            return None;
        }
        // Classes: frequent bytes first, so that only the rarest punctuation may share one.
        let mut used: Vec<u8> = anchors.iter().flatten().copied().collect();
        used.sort_unstable();
        used.dedup();
        used.sort_by_key(|&b| (byte_cost(b), b));
        let mut class = [0u8; 256];
        for (i, &b) in used.iter().enumerate() {
            let c = (i + 1).min(MAX_CLASS) as u8;
            class[usize::from(b)] = c;
            class[usize::from(b.to_ascii_uppercase())] = c;
        }
        let cls = |b: u8| u32::from(class[usize::from(b)]);
        let mut bits: Box<[u64; WORDS]> = Box::new([0u64; WORDS]);
        let mut exact_bits: Box<[u64; EXACT_WORDS]> = Box::new([0u64; EXACT_WORDS]);
        let mut set = |c0: u32, c1: u32, c2: u32| {
            let key = fold(c0, c1, c2);
            if let Some(w) = bits.get_mut((key >> 6) as usize) {
                *w |= 1u64 << (key & 63);
            }
            let key = exact(c0, c1, c2);
            if let Some(w) = exact_bits.get_mut((key >> 6) as usize) {
                *w |= 1u64 << (key & 63);
            }
        };
        let all = 0..=(MAX_CLASS as u32);
        for a in &anchors {
            match a.as_slice() {
                [x, y, z] => set(cls(*x), cls(*y), cls(*z)),
                [x, y] => {
                    for z in all.clone() {
                        set(cls(*x), cls(*y), z);
                    }
                }
                [x] => {
                    for y in all.clone() {
                        for z in all.clone() {
                            set(cls(*x), y, z);
                        }
                    }
                }
                _ => {}
            }
        }
        // Designate, for every keyword, its first anchor occurrence.
        let anchor_set: HashMap<&[u8], &Vec<u8>> =
            anchors.iter().map(|a| (a.as_slice(), a)).collect();
        let mut trigram_items: Vec<(u32, Entry)> = Vec::new();
        let mut short: Vec<(Vec<u8>, Vec<Entry>)> = Vec::new();
        for (ki, k) in lower.iter().enumerate() {
            if k.is_empty() {
                continue;
            }
            // The first offset where an anchor starts (three-byte anchors before shorter ones
            // at the same offset; any choice is correct as long as it is unique per keyword).
            let found = (0..k.len()).find_map(|o| {
                (1..=3).rev().find_map(|n| {
                    let piece = k.get(o..o + n)?;
                    anchor_set.get(piece).map(|a| (o, *a))
                })
            });
            let Some((offset, anchor)) = found else {
                continue;
            };
            let entry = Entry {
                keyword: ki,
                offset,
            };
            if anchor.len() == 3 {
                trigram_items.push((pack(anchor), entry));
            } else {
                match short.iter_mut().find(|(a, _)| a == anchor) {
                    Some((_, list)) => list.push(entry),
                    None => short.push((anchor.clone(), vec![entry])),
                }
            }
        }
        let trigrams = TrigramTable::build(trigram_items);
        Some(Prefilter {
            keywords: lower,
            class,
            bits,
            exact_bits,
            trigrams,
            short,
        })
    }

    /// Call `f(start, keyword)` for every keyword occurrence, roughly in increasing order
    /// (a keyword starts at most its own length before the next reported one). `f` returns
    /// false to stop early.
    pub(crate) fn for_each_hit(&self, content: &[u8], mut f: impl FnMut(usize, usize) -> bool) {
        let class = &self.class;
        let bits: &[u64; WORDS] = &self.bits;
        let cls = |b: u8| u32::from(class[usize::from(b)]);
        let first_level = |key: u32| (bits[(key >> 6) as usize & (WORDS - 1)] >> (key & 63)) & 1;
        // Classes of the two previous bytes; 0 before the start.
        let (mut p2, mut p1) = (0u32, 0u32);
        // STEP bytes per step without branches: the first-level bits are collected into a
        // mask, and only a non-zero mask (rare) leaves the straight-line path.
        let mut chunks = content.chunks_exact(STEP);
        let mut base = 0usize;
        for chunk in &mut chunks {
            let mut mask = 0u64;
            for (j, &b) in chunk.iter().enumerate() {
                let c = cls(b);
                mask |= first_level(fold(p2, p1, c)) << j;
                p2 = p1;
                p1 = c;
            }
            if mask != 0 && !self.confirm(content, base, mask, &mut f) {
                return;
            }
            base += STEP;
        }
        for (j, &b) in chunks.remainder().iter().enumerate() {
            let c = cls(b);
            let hit = first_level(fold(p2, p1, c));
            p2 = p1;
            p1 = c;
            if hit != 0 && !self.confirm(content, base, 1 << j, &mut f) {
                return;
            }
        }
        // Anchors shorter than three bytes may end at the very end of the content.
        if !self.short.is_empty() {
            for t in content.len().saturating_sub(2)..content.len() {
                if !self.candidate(content, t, &mut f) {
                    return;
                }
            }
        }
    }

    /// Second-level (exact class trigram) check for the first-level hits in `mask`, whose bit
    /// `j` stands for the trigram ending at `base + j`.
    #[inline(never)]
    fn confirm(
        &self,
        content: &[u8],
        base: usize,
        mut mask: u64,
        f: &mut impl FnMut(usize, usize) -> bool,
    ) -> bool {
        let cls = |i: Option<usize>| {
            i.and_then(|i| content.get(i))
                .map_or(0, |&b| u32::from(self.class[usize::from(b)]))
        };
        while mask != 0 {
            let j = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            let end = base + j;
            let key = exact(
                cls(end.checked_sub(2)),
                cls(end.checked_sub(1)),
                cls(Some(end)),
            );
            let word = self
                .exact_bits
                .get((key >> 6) as usize)
                .copied()
                .unwrap_or(0);
            if (word >> (key & 63)) & 1 != 0 && !self.candidate(content, end.saturating_sub(2), f) {
                return false;
            }
        }
        true
    }

    /// Verify the keywords designated to the anchor(s) starting at `t`.
    fn candidate(
        &self,
        content: &[u8],
        t: usize,
        f: &mut impl FnMut(usize, usize) -> bool,
    ) -> bool {
        if let Some(tri) = content.get(t..t + 3)
            && !self.verify(content, t, self.trigrams.get(pack(tri)), f)
        {
            return false;
        }
        for (anchor, list) in &self.short {
            let here = content
                .get(t..t + anchor.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(anchor));
            if here && !self.verify(content, t, list, f) {
                return false;
            }
        }
        true
    }

    fn verify(
        &self,
        content: &[u8],
        t: usize,
        list: &[Entry],
        f: &mut impl FnMut(usize, usize) -> bool,
    ) -> bool {
        for e in list {
            let Some(start) = t.checked_sub(e.offset) else {
                continue;
            };
            let Some(k) = self.keywords.get(e.keyword) else {
                continue;
            };
            let matches = content
                .get(start..start + k.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(k));
            if matches && !f(start, e.keyword) {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kws(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn anchors_cover_minimal_keywords_only() {
        let a = anchors(&kws(&[
            "secret",
            "aws_secret",
            "client_secret",
            "ghp_",
            "q~",
        ]));
        assert_eq!(a.len(), 3, "{a:?}");
        assert!(a.iter().any(|x| memchr::memmem::find(b"ghp_", x).is_some()));
        assert!(
            a.iter()
                .any(|x| memchr::memmem::find(b"secret", x).is_some())
        );
        assert!(a.contains(&b"q~".to_vec()));
    }

    fn naive(keywords: &[String], content: &[u8]) -> Vec<(usize, usize)> {
        let lower = content.to_ascii_lowercase();
        let mut out = Vec::new();
        for (pi, k) in keywords.iter().enumerate() {
            let k = k.to_ascii_lowercase();
            let mut from = 0;
            while let Some(i) = lower
                .get(from..)
                .and_then(|h| memchr::memmem::find(h, k.as_bytes()))
            {
                out.push((from + i, pi));
                from += i + 1;
            }
        }
        out.sort_unstable();
        out
    }

    #[test]
    fn finds_exactly_what_a_naive_search_finds() {
        let keywords = kws(&[
            "password",
            "pass_",
            "_pass",
            "secret",
            "aws_secret",
            "ghp_",
            "token",
            "authtoken",
            "q~",
            "://",
        ]);
        let Some(pf) = Prefilter::new(&keywords) else {
            panic!("prefilter")
        };
        let mut text = Vec::new();
        for i in 0..20_000 {
            text.extend_from_slice(match i % 7 {
                0 => b"let PASSWORD_pass_x = AWS_SECRET; ".as_slice(),
                1 => b"authtoken=ghp_abc https://x Q~y ".as_slice(),
                2 => b"nothing to see here at all ".as_slice(),
                3 => b"passpasspassword".as_slice(),
                _ => b"filler filler filler filler filler filler ".as_slice(),
            });
        }
        let mut got = Vec::new();
        pf.for_each_hit(&text, |s, p| {
            got.push((s, p));
            true
        });
        got.sort_unstable();
        let n = got.len();
        got.dedup();
        assert_eq!(n, got.len(), "a keyword occurrence was reported twice");
        assert_eq!(got, naive(&keywords, &text));
    }
}
#[cfg(test)]
mod oracle_tests {
    use super::Prefilter;
    use aho_corasick::{AhoCorasick, MatchKind};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        /// The prefilter reports exactly the (overlapping, ASCII case-insensitive) keyword
        /// occurrences that Aho-Corasick reports. Small alphabets force overlaps, keywords
        /// inside keywords, anchors shared between keywords and class collisions.
        #[test]
        fn matches_aho_corasick(
            keywords in proptest::collection::vec("[a-dA-D_~.0-9]{1,6}", 1..16),
            hay in "[a-dA-D_~.0-9 \n]{0,400}",
        ) {
            let Some(pf) = Prefilter::new(&keywords) else {
                return Err(TestCaseError::fail("no prefilter"));
            };
            let ac = AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(&keywords)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut expected: Vec<(usize, usize)> = ac
                .find_overlapping_iter(hay.as_bytes())
                .map(|m| (m.start(), m.pattern().as_usize()))
                .collect();
            // Duplicate keywords: both engines may attribute an occurrence to either copy.
            let canon = |k: usize| {
                let lower = keywords.get(k).map(|s| s.to_ascii_lowercase());
                keywords.iter().position(|o| Some(o.to_ascii_lowercase()) == lower).unwrap_or(k)
            };
            expected = expected.into_iter().map(|(p, k)| (p, canon(k))).collect();
            expected.sort_unstable();
            expected.dedup();
            let mut got = Vec::new();
            pf.for_each_hit(hay.as_bytes(), |p, k| {
                got.push((p, canon(k)));
                true
            });
            got.sort_unstable();
            got.dedup();
            prop_assert_eq!(got, expected);
        }
    }
}

#[cfg(test)]
mod builtin_tests {
    #[test]
    fn builtin_keywords_are_covered_by_fewer_anchors() {
        let set = crate::rule::RuleSet::builtin();
        let mut kws: Vec<String> = set
            .rules()
            .iter()
            .flat_map(|r| r.keywords().into_iter().map(String::from))
            .collect();
        kws.sort();
        kws.dedup();
        let anchors = super::anchors(&kws);
        assert!(
            anchors.len() < kws.len(),
            "{} anchors for {} keywords",
            anchors.len(),
            kws.len()
        );
        for k in &kws {
            assert!(
                anchors
                    .iter()
                    .any(|a| memchr::memmem::find(k.as_bytes(), a).is_some()),
                "keyword {k:?} contains no anchor"
            );
        }
        // Every anchor fits the 6-bit classes without sharing among letters and digits.
        let mut used: Vec<u8> = anchors.iter().flatten().copied().collect();
        used.sort_unstable();
        used.dedup();
        assert!(
            used.len() <= super::MAX_CLASS,
            "{} distinct anchor bytes",
            used.len()
        );
    }
}
