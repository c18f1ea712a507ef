//! The fake-but-shaped credentials of the corpus images (and their documented non-secrets),
//! scanned the way the layer walk will scan them.

use drydock_secrets::{Limits, RuleSet, SecretMatch, TextContext};

fn scan(path: &str, content: &str) -> Vec<SecretMatch> {
    RuleSet::builtin().scan(path, content.as_bytes(), &Limits::default())
}

fn ids(m: &[SecretMatch]) -> Vec<(&str, &str)> {
    m.iter()
        .map(|m| (m.rule_id.as_str(), m.secret.as_str()))
        .collect()
}

fn has(m: &[SecretMatch], rule: &str, secret: &str) -> bool {
    m.iter().any(|x| x.rule_id == rule && x.secret == secret)
}

#[test]
fn dotenv_aws_and_stripe() {
    let env = "AWS_ACCESS_KEY_ID=AKIAYVOKYSRYAPB4JJUK\n\
               AWS_SECRET_ACCESS_KEY=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\n\
               STRIPE_SECRET_KEY=sk_live_6lAUY9ecGQMSwnRz7759tsjq\n";
    let m = scan("/app/.env", env);
    assert!(
        has(&m, "aws-access-key-id", "AKIAYVOKYSRYAPB4JJUK"),
        "{:?}",
        ids(&m)
    );
    assert!(
        has(
            &m,
            "aws-secret-access-key",
            "Ghpe3KBjU8qcpmswgIOCdx3hMZsnl0c+YDckrj6Z"
        ),
        "{:?}",
        ids(&m)
    );
    assert!(
        has(
            &m,
            "stripe-live-secret-key",
            "sk_live_6lAUY9ecGQMSwnRz7759tsjq"
        ),
        "{:?}",
        ids(&m)
    );
    // The env-assignment rule sees the same secrets but the specific rules win.
    assert_eq!(m.len(), 3, "{:?}", ids(&m));
    let stripe = m.iter().find(|x| x.rule_id == "stripe-live-secret-key");
    assert_eq!(stripe.map(|s| (s.line, s.column)), Some((3, 19)));
}

#[test]
fn git_credentials_prefers_github_pat() {
    let m = scan(
        "/app/.git-credentials",
        "https://user:ghp_HAM2g98poBxUDRUAYCf9QrIn7Rpry5TuZ7Ny@github.com\n",
    );
    assert_eq!(
        ids(&m),
        vec![("github-pat", "ghp_HAM2g98poBxUDRUAYCf9QrIn7Rpry5TuZ7Ny")]
    );
    // A plain password in the store is reported by the store rule.
    let m = scan(
        "/root/.git-credentials",
        "https://deploy:Wq9vLr2xTz7mKp4sNb@git.corp.internal\n",
    );
    assert_eq!(ids(&m), vec![("git-credentials", "Wq9vLr2xTz7mKp4sNb")]);
}

#[test]
fn django_settings() {
    let settings = "import os\nDEBUG = False\n\
        SECRET_KEY = '05ux@l1bok$6zjb^@7ybor$b9)7_py_lc7u@6(l5e!8_cmxlr5'\n\
        DATABASE_URL = 'postgres://shop:Pr0d-0ydN0T0TIbWWOm@db:5432/shop'\n\
        SLACK_BOT_TOKEN = \"xoxb-471382303273-1389927513617-MVTmJXFzw5r0wblLT8jOjGHP\"\n";
    let m = scan("/app/shop/settings.py", settings);
    assert!(
        has(
            &m,
            "django-secret-key",
            "05ux@l1bok$6zjb^@7ybor$b9)7_py_lc7u@6(l5e!8_cmxlr5"
        ),
        "{:?}",
        ids(&m)
    );
    assert!(
        has(&m, "database-url-password", "Pr0d-0ydN0T0TIbWWOm"),
        "{:?}",
        ids(&m)
    );
    assert!(
        has(
            &m,
            "slack-bot-token",
            "xoxb-471382303273-1389927513617-MVTmJXFzw5r0wblLT8jOjGHP"
        ),
        "{:?}",
        ids(&m)
    );
    assert_eq!(m.len(), 3, "{:?}", ids(&m));
    let dbs = "DATABASES = {'default': dj_database_url.parse('postgres://shop:Pr0d-0ydN0T0TIbWWOm@db:5432/shop')}\n";
    assert!(has(
        &scan("/app/shop/settings.py", dbs),
        "database-url-password",
        "Pr0d-0ydN0T0TIbWWOm"
    ));
}

#[test]
fn package_manager_credentials() {
    let m = scan(
        "/root/.npmrc",
        "//registry.npmjs.org/:_authToken=npm_2yNo1h3TrNLAtzZFS2pgGEMCoEl5EsepFE8K\n",
    );
    assert_eq!(
        ids(&m),
        vec![("npm-token", "npm_2yNo1h3TrNLAtzZFS2pgGEMCoEl5EsepFE8K")]
    );
    // Legacy / private-registry tokens without the npm_ prefix.
    let m = scan(
        "/root/.npmrc",
        "//npm.corp.internal/:_authToken=5f1c9a7e2b4d8063a9e1f7c2d4b6a8e0c3f5a7b9\n",
    );
    assert_eq!(
        ids(&m),
        vec![("npm-token", "5f1c9a7e2b4d8063a9e1f7c2d4b6a8e0c3f5a7b9")]
    );
    // A GitHub token used as registry token keeps its precise name.
    let m = scan(
        "/root/.npmrc",
        "//npm.pkg.github.com/:_authToken=ghp_HAM2g98poBxUDRUAYCf9QrIn7Rpry5TuZ7Ny\n",
    );
    assert_eq!(
        ids(&m),
        vec![("github-pat", "ghp_HAM2g98poBxUDRUAYCf9QrIn7Rpry5TuZ7Ny")]
    );
    assert!(
        scan(
            "/root/.npmrc",
            "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"
        )
        .is_empty()
    );
    let token = "pypi-AgEIcHlwaS5vcmcPtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA_2O76UMFxFkM_R5Kjp1vRt-1fjORS_6ilI8ihN5KXSc7Tvo_hBKqFYY_kv5ZJr3J1TWDtkwtDDb-xHKas1VOqg6YYZYn9ZhyiA4uoRgnatmUdjA";
    let pypirc = format!(
        "[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = __token__\npassword = {token}\n"
    );
    let m = scan("/root/.pypirc", &pypirc);
    assert_eq!(ids(&m), vec![("pypi-token", token)]);
}

#[test]
fn docker_config_auth() {
    let cfg = "{\n \"auths\": {\n  \"registry.corp.example:5000\": {\n   \"auth\": \"Y2ktYm90OmZXUVo3MjJDYlR0Z3R5WmVJMQ==\"\n  }\n }\n}";
    let m = scan("/root/.docker/config.json", cfg);
    assert_eq!(
        ids(&m),
        vec![("registry-auth", "Y2ktYm90OmZXUVo3MjJDYlR0Z3R5WmVJMQ==")]
    );
    // base64 without a ':' is not user:password.
    let m = scan(
        "/root/.docker/config.json",
        r#"{"auths":{"r":{"auth":"bm9jb2xvbmhlcmVhdGFsbA=="}}}"#,
    );
    assert!(m.is_empty(), "{:?}", ids(&m));
    let m = scan(
        "/root/.docker/config.json",
        r#"{"auths":{"r":{"identitytoken":"f3a9c2d4-81be-4a9e-9d0c-6b7e5a4c3f21xq"}}}"#,
    );
    assert_eq!(m.len(), 1);
}

#[test]
fn kubeconfig_token() {
    let kube = "apiVersion: v1\nkind: Config\nusers:\n- name: deployer\n  user: {token: eyJhbGciOiJSUzI1NiIsImtpZCI6IEXHX4zEQqQRNISrKSk58pZ0bWrHdm1Qussq72srsfe2qKtjz4IJWUaxP8ox7YAM8QCAPoc0mdsNxblFASfGKJ9E2ZNd2UhOzDQfJ5U53Z4Sf0W9S1Xbf8RKr}\n";
    let m = scan("/root/.kube/config", kube);
    assert_eq!(m.len(), 1, "{:?}", ids(&m));
    assert_eq!(
        m.first().map(|m| m.rule_id.as_str()),
        Some("kubernetes-bearer-token")
    );
    let block =
        "users:\n- name: ci\n  user:\n    token: 9f8e7d6c5b4a39281706f5e4d3c2b1a0qZxWvUtS\n";
    assert_eq!(
        ids(&scan("/home/ci/.kube/config", block)),
        vec![(
            "kubernetes-bearer-token",
            "9f8e7d6c5b4a39281706f5e4d3c2b1a0qZxWvUtS"
        )]
    );
}

#[test]
fn private_keys() {
    let ec = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIKnpikw4jaQn++KOdCq/jWupCNKpz7nNZ7EB2Yx4PYXsoAoGCCqGSM49\nAwEHoUQDQgAEBsJdnkbEOTE7V0d5kIRnyxopCvzULFrM80LB3kNmB/FfJnRE24at\ngvOs2tHrL/Z3oL5+XNZRRYpS/QoMSxuzHw==\n-----END EC PRIVATE KEY-----\n";
    let m = scan("/app/certs/server.key", ec);
    assert_eq!(m.len(), 1);
    assert_eq!(
        m.first().map(|m| (m.rule_id.as_str(), m.line)),
        Some(("private-key", 2))
    );
    // A documentation stub is not a key.
    let stub = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----\n";
    assert!(scan("/app/README", stub).is_empty());
}

#[test]
fn dockerfile_and_metadata() {
    let m = scan(
        "/app/Dockerfile",
        "FROM debian\nARG GITHUB_TOKEN\nENV DB_PASSWORD=Pr0d-0ydN0T0TIbWWOm\n",
    );
    assert_eq!(ids(&m), vec![("password-in-env", "Pr0d-0ydN0T0TIbWWOm")]);
    let set = RuleSet::builtin();
    let l = Limits::default();
    let m = set.scan_text(TextContext::Env, "DB_PASSWORD=Pr0d-0ydN0T0TIbWWOm", &l);
    assert_eq!(ids(&m), vec![("password-in-env", "Pr0d-0ydN0T0TIbWWOm")]);
    let h = "|1 GITHUB_TOKEN=ghp_BIVrIb4aPDuliZeTcU3R32W1gQTi54APTVfM /bin/sh -c apt-get update && apt-get install -y curl";
    let m = set.scan_text(TextContext::History, h, &l);
    assert_eq!(
        ids(&m),
        vec![("github-pat", "ghp_BIVrIb4aPDuliZeTcU3R32W1gQTi54APTVfM")]
    );
    let m = set.scan_text(
        TextContext::History,
        "/bin/sh -c #(nop)  ENV DB_PASSWORD=Pr0d-0ydN0T0TIbWWOm",
        &l,
    );
    assert_eq!(ids(&m), vec![("password-in-env", "Pr0d-0ydN0T0TIbWWOm")]);
    for benign in [
        "PATH=/app/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "DJANGO_SETTINGS_MODULE=shop.settings",
        "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D",
        "PASSWORD_FILE=/run/secrets/db_password",
        "TOKENIZERS_PARALLELISM=false",
        "DB_PASSWORD=${DB_PASSWORD}",
    ] {
        assert!(
            set.scan_text(TextContext::Env, benign, &l).is_empty(),
            "{benign}"
        );
    }
    assert!(
        set.scan_text(
            TextContext::History,
            "/bin/sh -c #(nop)  ARG GITHUB_TOKEN",
            &l
        )
        .is_empty()
    );
    // Labels do not run the env-assignment rule, but a password in a label is still reported.
    let m = set.scan_text(TextContext::Label, "DB_PASSWORD=Pr0d-0ydN0T0TIbWWOm", &l);
    assert_eq!(
        ids(&m),
        vec![("generic-password-assignment", "Pr0d-0ydN0T0TIbWWOm")]
    );
    assert!(
        set.scan_text(TextContext::Label, "maintainer=shop-team@example.com", &l)
            .is_empty()
    );
}

#[test]
fn documented_examples_and_placeholders_are_quiet() {
    let deploy = "# Deploying\nSet credentials in the environment, for example:\n\n    \
                  export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n    \
                  export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n    \
                  aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\n\
                  Never commit real keys. The password placeholder is `password = <your-password-here>`.\n";
    assert!(scan("/app/docs/DEPLOY.md", deploy).is_empty());
    let tests = "FAKE_STRIPE = \"sk_test_XXXXXXXXXXXXXXXXXXXXXXXX\"\nPASSWORD = \"changeme\"\n\
                 STRIPE = \"sk_test_4eC39HqLyjWDarjtT1zdp7dc\"\n";
    assert!(scan("/app/shop/tests/test_payments.py", tests).is_empty());
    for (path, text) in [
        (
            "/app/config.py",
            "STRIPE_KEY = 'sk_live_xxxxxxxxxxxxxxxx'\n",
        ),
        ("/app/app.py", "password = \"changeme\"\n"),
        (
            "/app/shop/settings.py",
            "SECRET_KEY = os.environ[\"SECRET_KEY\"]\n",
        ),
        (
            "/app/app.py",
            "db_password = os.environ.get('DB_PASSWORD')\n",
        ),
        ("/app/app.py", "password = request.form['password']\n"),
        ("/app/app.py", "if password == \"hunter2hunter2\":\n"),
        ("/app/config.yaml", "password: ${DB_PASSWORD}\n"),
        (
            "/app/config.yaml",
            "password: \"{{ .Values.db.password }}\"\n",
        ),
        ("/app/.env", "API_TOKEN=<your-token>\n"),
        ("/etc/ssh/sshd_config", "PasswordAuthentication no\n"),
    ] {
        let m = scan(path, text);
        assert!(m.is_empty(), "{path}: {text:?} -> {:?}", ids(&m));
    }
}

#[test]
fn generic_assignments_fire_on_real_looking_values() {
    let m = scan(
        "/app/config/app.yaml",
        "database:\n  password: Pr0d-0ydN0T0TIbWWOm\n",
    );
    assert_eq!(
        ids(&m),
        vec![("generic-password-assignment", "Pr0d-0ydN0T0TIbWWOm")]
    );
    let m = scan("/app/app.py", "API_KEY = \"f3Kq9ZtR7mW2xLp8Vb4Nc6Yd\"\n");
    assert_eq!(
        ids(&m),
        vec![("generic-secret-assignment", "f3Kq9ZtR7mW2xLp8Vb4Nc6Yd")]
    );
}

#[test]
fn rule_sets_are_shareable_across_threads() {
    fn shareable<T: Send + Sync + Clone>(_: &T) {}
    let set = RuleSet::builtin();
    shareable(&set);
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let set = set.clone();
            std::thread::spawn(move || {
                set.scan(
                    "/app/.env",
                    b"GITHUB_TOKEN=ghp_HAM2g98poBxUDRUAYCf9QrIn7Rpry5TuZ7Ny\n",
                    &Limits::default(),
                )
                .len()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().ok(), Some(1));
    }
}
