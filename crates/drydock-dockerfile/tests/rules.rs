//! One positive and one negative case per rule.

use drydock_dockerfile::{LintConfig, lint, rules};
use drydock_findings::Misconfiguration;

fn run(text: &str) -> Vec<Misconfiguration> {
    lint("Dockerfile", text, &LintConfig::default()).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn ids(text: &str) -> Vec<String> {
    run(text)
        .into_iter()
        .filter(|f| f.suppressed.is_none())
        .map(|f| f.check_id)
        .collect()
}

/// (rule, Dockerfile that must trigger it, Dockerfile that must not).
/// Snippets are ours, written for these tests.
const CASES: &[(&str, &str, &str)] = &[
    ("DD-DF-001", "FROM debian\n", "FROM debian:12\n"),
    (
        "DD-DF-001",
        "ARG IMG=debian\nFROM $IMG\n",
        "ARG IMG\nFROM $IMG\n",
    ),
    ("DD-DF-002", "FROM debian:latest\n", "FROM debian:12\n"),
    (
        "DD-DF-002",
        "ARG T=latest\nFROM python:${T}\n",
        "ARG T=3.12\nFROM python:${T}\n",
    ),
    (
        "DD-DF-003",
        "FROM debian:12\n",
        "FROM debian:12@sha256:0123456789abcdef\n",
    ),
    ("DD-DF-003", "FROM debian:12\n", "FROM scratch\n"),
    (
        "DD-DF-005",
        "FROM --platform=linux/amd64 debian:12\n",
        "FROM --platform=$BUILDPLATFORM debian:12\n",
    ),
    (
        "DD-DF-006",
        "FROM --platform=${TARGETPLATFORM} debian:12\n",
        "FROM debian:12\n",
    ),
    (
        "DD-DF-007",
        "FROM a:1 AS x\nFROM b:1 AS X\n",
        "FROM a:1 AS x\nFROM b:1 AS y\n",
    ),
    ("DD-DF-008", "FROM a:1 AS scratch\n", "FROM a:1 AS base\n"),
    ("DD-DF-009", "LABEL a=b\nFROM a:1\n", "ARG V=1\nFROM a:$V\n"),
    ("DD-DF-010", "FROM a:1\n", "FROM a:1\nUSER 1000\n"),
    (
        "DD-DF-010",
        "FROM a:1 AS b\nUSER 1000\nFROM debian:12\n",
        "FROM a:1 AS b\nUSER 1000\nFROM b\n",
    ),
    (
        "DD-DF-011",
        "FROM a:1\nUSER 1000\nUSER root\n",
        "FROM a:1\nUSER root\nUSER 1000\n",
    ),
    (
        "DD-DF-011",
        "FROM a:1\nUSER 0:0\n",
        "FROM a:1 AS b\nUSER root\nFROM c:1\nUSER 1000\n",
    ),
    (
        "DD-DF-012",
        "FROM a:1\nUSER app\n",
        "FROM a:1\nUSER 1000:1000\n",
    ),
    (
        "DD-DF-020",
        "FROM a:1\nEXPOSE 22\n",
        "FROM a:1\nEXPOSE 8080 443/tcp\n",
    ),
    (
        "DD-DF-020",
        "FROM a:1\nEXPOSE 2370-2380\n",
        "FROM a:1\nEXPOSE 2200-2210\n",
    ),
    (
        "DD-DF-020",
        "FROM a:1\nARG P=3389\nEXPOSE $P\n",
        "FROM a:1\nARG P\nEXPOSE $P\n",
    ),
    (
        "DD-DF-021",
        "FROM a:1\nEXPOSE 70000\n",
        "FROM a:1\nEXPOSE 65535\n",
    ),
    (
        "DD-DF-021",
        "FROM a:1\nEXPOSE http\n",
        "FROM a:1\nEXPOSE 53/udp\n",
    ),
    (
        "DD-DF-021",
        "FROM a:1\nEXPOSE 90-80\n",
        "FROM a:1\nEXPOSE 80-90\n",
    ),
    (
        "DD-DF-030",
        "FROM a:1\nENV DB_PASSWORD=x\n",
        "FROM a:1\nENV DB_PASSWORD_FILE=/run/secrets/db\n",
    ),
    (
        "DD-DF-030",
        "FROM a:1\nENV X=AKIAABCDEFGHIJKLMNOP\n",
        "FROM a:1\nENV GPG_KEY=B42F6819007F00F88E364FD4036A9C25BF357DD4\n",
    ),
    (
        "DD-DF-030",
        "FROM a:1\nARG GITHUB_TOKEN\nENV T=$GITHUB_TOKEN\n",
        "FROM a:1\nENV API_TOKEN=\n",
    ),
    (
        "DD-DF-031",
        "FROM a:1\nARG GITHUB_TOKEN\n",
        "FROM a:1\nARG GITHUB_USER\n",
    ),
    (
        "DD-DF-031",
        "ARG NPM_TOKEN=abc\nFROM a:1\n",
        "ARG VERSION=1\nFROM a:1\n",
    ),
    (
        "DD-DF-032",
        "FROM a:1\nCOPY id_rsa /root/.ssh/id_rsa\n",
        "FROM a:1\nCOPY id_rsa.pub /root/.ssh/\n",
    ),
    (
        "DD-DF-032",
        "FROM a:1\nCOPY .env /app/\n",
        "FROM a:1\nCOPY --from=b /etc/ssl/server.key /k\n",
    ),
    (
        "DD-DF-040",
        "FROM a:1\nADD app /app\n",
        "FROM a:1\nCOPY app /app\n",
    ),
    (
        "DD-DF-040",
        "FROM a:1\nADD conf.zip /x/\n",
        "FROM a:1\nADD rootfs.tar.xz /\n",
    ),
    (
        "DD-DF-041",
        "FROM a:1\nADD https://x/y.tgz /tmp/\n",
        "FROM a:1\nADD --checksum=sha256:ab https://x/y.tgz /tmp/\n",
    ),
    (
        "DD-DF-041",
        "FROM a:1\nADD http://x/tool /usr/bin/tool\n",
        "FROM a:1\nADD https://github.com/o/r.git#v1 /src\n",
    ),
    (
        "DD-DF-042",
        "FROM a:1\nCOPY --from=buildr /a /a\n",
        "FROM a:1 AS build\nFROM b:1\nCOPY --from=build /a /a\n",
    ),
    (
        "DD-DF-042",
        "FROM a:1\nCOPY --from=1 /a /a\nFROM b:1\n",
        "FROM a:1\nFROM b:1\nCOPY --from=0 /a /a\n",
    ),
    (
        "DD-DF-042",
        "FROM a:1\nCOPY --from=later /a /a\nFROM b:1 AS later\n",
        "FROM a:1 AS Build\nFROM b:1\nCOPY --from=build /a /a\n",
    ),
    (
        "DD-DF-043",
        "FROM a:1 AS me\nCOPY --from=me /a /a\n",
        "FROM a:1 AS me\nFROM b:1\nCOPY --from=me /a /a\n",
    ),
    (
        "DD-DF-043",
        "FROM a:1\nCOPY --from=0 /a /a\n",
        "FROM a:1\nFROM b:1\nCOPY --from=0 /a /a\n",
    ),
    (
        "DD-DF-044",
        "FROM a:1\nCOPY --from=nginx:latest /a /a\n",
        "FROM a:1\nCOPY --from=nginx:1.25 /a /a\n",
    ),
    (
        "DD-DF-044",
        "FROM a:1\nCOPY --from=ghcr.io/o/tool /a /a\n",
        "FROM a:1\nCOPY --from=ghcr.io/o/tool@sha256:ab /a /a\n",
    ),
    (
        "DD-DF-045",
        "FROM a:1\nCOPY a b /dst\n",
        "FROM a:1\nCOPY a b /dst/\n",
    ),
    (
        "DD-DF-046",
        "FROM a:1\nCOPY a b\n",
        "FROM a:1\nWORKDIR /app\nCOPY a b\n",
    ),
    (
        "DD-DF-046",
        "FROM a:1\nCOPY a ./\n",
        "FROM a:1\nCOPY a /b\n",
    ),
    (
        "DD-DF-047",
        "FROM a:1 AS r\nFROM scratch\nCOPY --from=r / /\n",
        "FROM a:1 AS r\nFROM scratch\nCOPY --from=r /etc /etc\n",
    ),
    (
        "DD-DF-050",
        "FROM a:1\nCMD app --serve\n",
        "FROM a:1\nCMD [\"app\", \"--serve\"]\n",
    ),
    (
        "DD-DF-050",
        "FROM a:1\nENTRYPOINT /bin/app\n",
        "FROM a:1\nHEALTHCHECK CMD curl -f http://x/ || exit 1\n",
    ),
    (
        "DD-DF-051",
        "FROM a:1\nCMD [\"a\"]\nCMD [\"b\"]\n",
        "FROM a:1\nCMD [\"a\"]\nFROM b:1\nCMD [\"b\"]\n",
    ),
    (
        "DD-DF-052",
        "FROM a:1\nENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\n",
        "FROM a:1\nENTRYPOINT [\"a\"]\nCMD [\"b\"]\n",
    ),
    (
        "DD-DF-053",
        "FROM a:1\nHEALTHCHECK CMD a\nHEALTHCHECK CMD b\n",
        "FROM a:1\nHEALTHCHECK CMD a\n",
    ),
    (
        "DD-DF-054",
        "FROM a:1\n",
        "FROM a:1\nHEALTHCHECK CMD [\"/check\"]\n",
    ),
    (
        "DD-DF-054",
        "FROM a:1\nHEALTHCHECK NONE\n",
        "FROM a:1 AS b\nHEALTHCHECK CMD x\nFROM b\n",
    ),
    (
        "DD-DF-060",
        "FROM a:1\nWORKDIR app\n",
        "FROM a:1\nWORKDIR /app\n",
    ),
    (
        "DD-DF-060",
        "FROM a:1\nENV D=rel\nWORKDIR $D\n",
        "FROM a:1\nWORKDIR C:\\app\n",
    ),
    (
        "DD-DF-061",
        "FROM a:1\nWORKDIR /proc/x\n",
        "FROM a:1\nWORKDIR /process\n",
    ),
    (
        "DD-DF-062",
        "FROM a:1\nVOLUME /var/run/docker.sock\n",
        "FROM a:1\nVOLUME /data\n",
    ),
    (
        "DD-DF-062",
        "FROM a:1\nVOLUME [\"/sys/fs\"]\n",
        "FROM a:1\nVOLUME [\"/system\"]\n",
    ),
    (
        "DD-DF-070",
        "FROM a:1\nMAINTAINER me\n",
        "FROM a:1\nLABEL org.opencontainers.image.authors=me\n",
    ),
    (
        "DD-DF-071",
        "FROM a:1\nONBUILD ONBUILD RUN x\n",
        "FROM a:1\nONBUILD RUN x\n",
    ),
    (
        "DD-DF-071",
        "FROM a:1\nONBUILD FROM b\n",
        "FROM a:1\nONBUILD COPY . /app\n",
    ),
    (
        "DD-DF-072",
        "FROM a:1\nENV A=/x B=$A/bin\n",
        "FROM a:1\nENV A=/x\nENV B=$A/bin\n",
    ),
    (
        "DD-DF-072",
        "FROM a:1\nENV A=/x B=${A}/bin\n",
        "FROM a:1\nENV A=/x\nENV A=/y B=$A/bin\n",
    ),
    (
        "DD-DF-073",
        "FROM a:1\nRUN --security=insecure make\n",
        "FROM a:1\nRUN --network=none make\n",
    ),
    (
        "DD-DF-074",
        "FROM a:1\nLABEL Version=1\n",
        "FROM a:1\nLABEL org.example.version=1\n",
    ),
    (
        "DD-DF-074",
        "FROM a:1\nLABEL com.docker.x=1\n",
        "FROM a:1\nLABEL maintainer=me\n",
    ),
    (
        "DD-DF-100",
        "FROM a:1\nRUN curl -fsSL https://x/i.sh | bash\n",
        "FROM a:1\nRUN curl -fsSLo /i.sh https://x/i.sh && sha256sum -c s && sh /i.sh\n",
    ),
    (
        "DD-DF-100",
        "FROM a:1\nRUN wget -qO- https://x | sudo sh -s -- -y\n",
        "FROM a:1\nRUN curl -s https://x | tar xz\n",
    ),
    (
        "DD-DF-100",
        "FROM a:1\nRUN sh -c \"$(curl -fsSL https://x)\"\n",
        "FROM a:1\nRUN sh -c \"$(cat /local.sh)\"\n",
    ),
    (
        "DD-DF-100",
        "FROM a:1\nRUN bash <(wget -qO- https://x)\n",
        "FROM a:1\nRUN echo 'curl x | sh'\n",
    ),
    (
        "DD-DF-101",
        "FROM a:1\nRUN a | b\n",
        "FROM a:1\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n",
    ),
    (
        "DD-DF-101",
        "FROM a:1\nRUN a | b && set -o pipefail\n",
        "FROM a:1\nRUN set -euxo pipefail; a | b\n",
    ),
    (
        "DD-DF-101",
        "FROM a:1\nRUN <<EOF\na | b\nEOF\n",
        "FROM a:1\nRUN [\"sh\", \"-c\", \"a | b\"]\n",
    ),
    (
        "DD-DF-102",
        "FROM a:1\nRUN cd /src && make\n",
        "FROM a:1\nWORKDIR /src\nRUN make\n",
    ),
    (
        "DD-DF-103",
        "FROM a:1\nRUN sudo apt-get install -y x\n",
        "FROM a:1\nRUN echo sudo\n",
    ),
    (
        "DD-DF-103",
        "FROM a:1\nRUN env sudo -u app make\n",
        "FROM a:1\nRUN apt-get install -y --no-install-recommends sudo=1\n",
    ),
    (
        "DD-DF-104",
        "FROM a:1\nRUN service nginx start\n",
        "FROM a:1\nRUN echo ssh\n",
    ),
    (
        "DD-DF-105",
        "FROM a:1\nRUN curl -o a x\nRUN wget -q y\n",
        "FROM a:1\nRUN curl -o a x\nFROM b:1\nRUN wget -q y\n",
    ),
    (
        "DD-DF-106",
        "FROM a:1\nRUN wget https://x/a\n",
        "FROM a:1\nRUN wget -qO- https://x/a > /a\n",
    ),
    (
        "DD-DF-107",
        "FROM a:1\nRUN ln -sf /bin/bash /bin/sh\n",
        "FROM a:1\nRUN ln -s /bin/bash /usr/local/bin/sh\n",
    ),
    (
        "DD-DF-108",
        "FROM a:1\nRUN a\nRUN b\n",
        "FROM a:1\nRUN a && b\nRUN c\n",
    ),
    (
        "DD-DF-108",
        "FROM a:1\nRUN a\n# comment\nRUN b\n",
        "FROM a:1\nRUN a\nRUN --mount=type=cache,target=/c b\n",
    ),
    (
        "DD-DF-109",
        "FROM a:1\nRUN useradd -u 123456789 app\n",
        "FROM a:1\nRUN useradd -l -u 123456789 app\n",
    ),
    (
        "DD-DF-109",
        "FROM a:1\nRUN useradd --uid=1234567 app\n",
        "FROM a:1\nRUN useradd -u 10001 app\n",
    ),
    (
        "DD-DF-110",
        "FROM a:1\nRUN curl -fsSLk https://x -o y\n",
        "FROM a:1\nRUN curl -fsSL https://x -o k\n",
    ),
    (
        "DD-DF-110",
        "FROM a:1\nRUN wget --no-check-certificate x\n",
        "FROM a:1\nRUN wget -q x\n",
    ),
    (
        "DD-DF-110",
        "FROM a:1\nRUN pip install --trusted-host h x==1\n",
        "FROM a:1\nRUN pip install --index-url https://h/simple x==1\n",
    ),
    (
        "DD-DF-110",
        "FROM a:1\nRUN npm config set strict-ssl false\n",
        "FROM a:1\nRUN npm config set strict-ssl true\n",
    ),
    (
        "DD-DF-110",
        "FROM a:1\nRUN git -c http.sslVerify=false clone x\n",
        "FROM a:1\nRUN git -c http.sslVerify=true clone x\n",
    ),
    (
        "DD-DF-110",
        "FROM a:1\nENV GIT_SSL_NO_VERIFY=1\n",
        "FROM a:1\nENV GIT_SSL_NO_VERIFY=0\n",
    ),
    (
        "DD-DF-110",
        "FROM a:1\nRUN GIT_SSL_NO_VERIFY=true git clone x\n",
        "FROM a:1\nRUN GIT_TRACE=1 git clone x\n",
    ),
    (
        "DD-DF-110",
        "FROM a:1\nRUN export NODE_TLS_REJECT_UNAUTHORIZED=0 && npm ci\n",
        "FROM a:1\nRUN export NODE_ENV=production\n",
    ),
    (
        "DD-DF-111",
        "FROM a:1\nRUN apk add --allow-untrusted x.apk\n",
        "FROM a:1\nRUN apk add --no-cache x.apk\n",
    ),
    (
        "DD-DF-111",
        "FROM a:1\nRUN yum install -y --nogpgcheck x\n",
        "FROM a:1\nRUN yum install -y x\n",
    ),
    (
        "DD-DF-111",
        "FROM a:1\nRUN dnf --setopt=gpgcheck=0 install -y x\n",
        "FROM a:1\nRUN dnf --setopt=install_weak_deps=0 install -y x\n",
    ),
    (
        "DD-DF-111",
        "FROM a:1\nRUN apt-get install -y --allow-unauthenticated x\n",
        "FROM a:1\nRUN apt-get install -y x\n",
    ),
    (
        "DD-DF-111",
        "FROM a:1\nRUN echo 'deb [trusted=yes] http://x ./' > /etc/apt/sources.list.d/x.list\n",
        "FROM a:1\nRUN echo 'deb [signed-by=/k.gpg] http://x ./' > /etc/apt/sources.list.d/x.list\n",
    ),
    (
        "DD-DF-111",
        "FROM a:1\nRUN rpm -i --nosignature x.rpm\n",
        "FROM a:1\nRUN rpm -i x.rpm\n",
    ),
    (
        "DD-DF-112",
        "FROM a:1\nRUN chmod 777 /data\n",
        "FROM a:1\nRUN chmod 755 /data\n",
    ),
    (
        "DD-DF-112",
        "FROM a:1\nRUN chmod -R a+rwX /srv\n",
        "FROM a:1\nRUN chmod 1777 /scratch\n",
    ),
    (
        "DD-DF-112",
        "FROM a:1\nCOPY --chmod=0666 a /a\n",
        "FROM a:1\nCOPY --chmod=0644 a /a\n",
    ),
    (
        "DD-DF-120",
        "FROM a:1\nRUN apt-get install x=1\n",
        "FROM a:1\nRUN apt-get install -qqy x=1\n",
    ),
    (
        "DD-DF-120",
        "FROM a:1\nRUN apt-get -q install x=1\n",
        "FROM a:1\nRUN apt-get --yes install x=1\n",
    ),
    (
        "DD-DF-121",
        "FROM a:1\nRUN apt-get install -y x=1\n",
        "FROM a:1\nRUN apt-get install -y --no-install-recommends x=1\n",
    ),
    (
        "DD-DF-121",
        "FROM a:1\nRUN apt-get install -y x=1\n",
        "FROM a:1\nRUN apt-get -o APT::Install-Recommends=false install -y x=1\n",
    ),
    (
        "DD-DF-122",
        "FROM a:1\nRUN apt-get install -y curl\n",
        "FROM a:1\nRUN apt-get install -y curl=7.88.1 ./local.deb $EXTRA\n",
    ),
    (
        "DD-DF-122",
        "FROM a:1\nRUN sudo apt-get install -y curl\n",
        "FROM a:1\nRUN apt-get -t bookworm-backports install -y curl=1\n",
    ),
    (
        "DD-DF-123",
        "FROM a:1\nRUN apt-get update && apt-get install -y x=1\n",
        "FROM a:1\nRUN apt-get update && apt-get install -y x=1 && rm -rf /var/lib/apt/lists/*\n",
    ),
    (
        "DD-DF-123",
        "FROM a:1\nRUN apt-get update\n",
        "FROM a:1\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y x=1\n",
    ),
    (
        "DD-DF-123",
        "FROM a:1\nRUN apt-get update\n",
        "FROM a:1 AS build\nRUN apt-get update\nFROM b:1\n",
    ),
    (
        "DD-DF-124",
        "FROM a:1\nRUN apt-get update && apt-get dist-upgrade -y\n",
        "FROM a:1\nRUN apt-get update && apt-get install -y x=1\n",
    ),
    (
        "DD-DF-125",
        "FROM a:1\nRUN apt install -y x=1\n",
        "FROM a:1\nRUN apt-get install -y x=1\n",
    ),
    (
        "DD-DF-126",
        "FROM a:1\nRUN apt-get update\n",
        "FROM a:1\nRUN apt-get update && apt-get install -y x=1\n",
    ),
    (
        "DD-DF-130",
        "FROM a:1\nRUN apk add x=1\n",
        "FROM a:1\nRUN apk add --no-cache x=1\n",
    ),
    (
        "DD-DF-130",
        "FROM a:1\nRUN apk add x=1\n",
        "FROM a:1\nRUN apk add x=1 && rm -rf /var/cache/apk/*\n",
    ),
    (
        "DD-DF-131",
        "FROM a:1\nRUN apk add --no-cache curl\n",
        "FROM a:1\nRUN apk add --no-cache --virtual .deps curl=8.5.0-r0 'bash~5'\n",
    ),
    (
        "DD-DF-140",
        "FROM a:1\nRUN pip install x==1\n",
        "FROM a:1\nRUN pip install --no-cache-dir x==1\n",
    ),
    (
        "DD-DF-140",
        "FROM a:1\nRUN python3 -m pip install x==1\n",
        "FROM a:1\nENV PIP_NO_CACHE_DIR=1\nRUN pip install x==1\n",
    ),
    (
        "DD-DF-141",
        "FROM a:1\nRUN pip install --no-cache-dir flask\n",
        "FROM a:1\nRUN pip install --no-cache-dir 'flask>=3' -r req.txt . ./pkg.whl\n",
    ),
    (
        "DD-DF-141",
        "FROM a:1\nRUN pip3.12 install --no-cache-dir -U pip\n",
        "FROM a:1\nRUN pip install --no-cache-dir -c constraints.txt flask\n",
    ),
    (
        "DD-DF-142",
        "FROM a:1\nRUN npm install express\n",
        "FROM a:1\nRUN npm install express@4.18.2 @scope/x@1.0.0 && npm ci\n",
    ),
    (
        "DD-DF-142",
        "FROM a:1\nRUN npm i -g @scope/x@latest\n",
        "FROM a:1\nRUN npm install\n",
    ),
    (
        "DD-DF-143",
        "FROM a:1\nRUN gem install bundler\n",
        "FROM a:1\nRUN gem install bundler:2.5.6 && gem install rake -v 13\n",
    ),
    (
        "DD-DF-144",
        "FROM a:1\nRUN go install example.com/x@latest\n",
        "FROM a:1\nRUN go install example.com/x@v1.2.3 && go install ./...\n",
    ),
    (
        "DD-DF-145",
        "FROM a:1\nRUN yarn install\n",
        "FROM a:1\nRUN yarn install && yarn cache clean\n",
    ),
    (
        "DD-DF-150",
        "FROM a:1\nRUN yum install x-1.0 && yum clean all\n",
        "FROM a:1\nRUN yum install -y x-1.0 && yum clean all\n",
    ),
    (
        "DD-DF-151",
        "FROM a:1\nRUN yum install -y x-1.0\n",
        "FROM a:1\nRUN yum install -y x-1.0 && yum clean all\n",
    ),
    (
        "DD-DF-152",
        "FROM a:1\nRUN yum install -y httpd && yum clean all\n",
        "FROM a:1\nRUN yum install -y httpd-2.4.6 && yum clean all\n",
    ),
    (
        "DD-DF-153",
        "FROM a:1\nRUN dnf install x-1 && dnf clean all\n",
        "FROM a:1\nRUN dnf install -y x-1 && dnf clean all\n",
    ),
    (
        "DD-DF-153",
        "FROM a:1\nRUN microdnf install x-1 && microdnf clean all\n",
        "FROM a:1\nRUN microdnf install -y x-1 && microdnf clean all\n",
    ),
    (
        "DD-DF-154",
        "FROM a:1\nRUN dnf install -y x-1\n",
        "FROM a:1\nRUN dnf install -y x-1 && rm -rf /var/cache/dnf\n",
    ),
    (
        "DD-DF-155",
        "FROM a:1\nRUN dnf install -y nginx && dnf clean all\n",
        "FROM a:1\nRUN dnf install -y nginx-1.24.0 nodejs:18 && dnf clean all\n",
    ),
    (
        "DD-DF-156",
        "FROM a:1\nRUN zypper install x=1 && zypper clean\n",
        "FROM a:1\nRUN zypper -n install x=1 && zypper clean\n",
    ),
    (
        "DD-DF-157",
        "FROM a:1\nRUN zypper -n dup\n",
        "FROM a:1\nRUN zypper -n refresh\n",
    ),
    (
        "DD-DF-158",
        "FROM a:1\nRUN zypper -n install x=1\n",
        "FROM a:1\nRUN zypper -n install x=1 && zypper cc\n",
    ),
    (
        "DD-DF-159",
        "FROM a:1\nRUN zypper -n install x && zypper clean\n",
        "FROM a:1\nRUN zypper -n install 'x>=1' && zypper clean\n",
    ),
];

#[test]
fn every_rule_has_a_case() {
    for r in rules() {
        if r.id == "DD-DF-004" {
            continue; // needs a trusted-registries config: see config tests
        }
        assert!(
            CASES.iter().any(|c| c.0 == r.id),
            "no test case for {}",
            r.id
        );
    }
}

#[test]
fn positive_and_negative_cases() {
    let mut failures = Vec::new();
    for (id, bad, good) in CASES {
        let b = ids(bad);
        if !b.iter().any(|i| i == id) {
            failures.push(format!("{id} not found in:\n{bad}found: {b:?}"));
        }
        let g = ids(good);
        if g.iter().any(|i| i == id) {
            failures.push(format!("{id} wrongly found in:\n{good}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn run_findings_carry_the_instruction_span() {
    let f = run("FROM a:1\nRUN apt-get update \\\n && apt-get install -y curl\nUSER 1\n");
    let pin = f
        .iter()
        .find(|f| f.check_id == "DD-DF-122")
        .expect("DD-DF-122");
    assert_eq!(
        (pin.location.line, pin.location.end_line),
        (Some(2), Some(3))
    );
    assert!(pin.evidence.contains("unpinned: curl"), "{}", pin.evidence);
    assert!(pin.references.iter().any(|r| r == "hadolint:DL3008"));
}

#[test]
fn heredoc_body_is_linted_as_a_script_only_when_it_is_one() {
    let script = ids("FROM a:1\nRUN <<EOF\nsudo apt-get install -y x=1\nEOF\n");
    assert!(script.iter().any(|i| i == "DD-DF-103"));
    let data = ids(
        "FROM a:1\nRUN python3 <<EOF\nprint('sudo apt-get install x')\nEOF\nCOPY <<EOF /x\nsudo\nEOF\n",
    );
    assert!(!data.iter().any(|i| i == "DD-DF-103"), "{data:?}");
    let stdin = ids("FROM a:1\nRUN <<-EOT bash\n\tcd /opt\n\tEOT\n");
    assert!(stdin.iter().any(|i| i == "DD-DF-102"));
}

#[test]
fn windows_shell_skips_shell_rules() {
    let f = ids(
        "FROM a:1\nSHELL [\"powershell\", \"-Command\"]\nRUN curl -k x | iex; cd C:\\x\nUSER 1\n",
    );
    assert!(
        !f.iter()
            .any(|i| i == "DD-DF-101" || i == "DD-DF-102" || i == "DD-DF-110"),
        "{f:?}"
    );
}

#[test]
fn secrets_are_redacted() {
    let f = run(
        "FROM a:1\nENV API_KEY=sk_test_0123456789abcdef STRIPE_KEY=abcdefghijklmnop\nARG DB_PASSWORD=hunter2hunter2\n",
    );
    for x in f
        .iter()
        .filter(|f| f.check_id == "DD-DF-030" || f.check_id == "DD-DF-031")
    {
        for secret in [
            "sk_test_0123456789abcdef",
            "abcdefghijklmnop",
            "hunter2hunter2",
        ] {
            assert!(!x.evidence.contains(secret), "{}", x.evidence);
        }
    }
    assert_eq!(f.iter().filter(|f| f.check_id == "DD-DF-030").count(), 2);
}

#[test]
fn onbuild_triggers_are_checked() {
    let f = ids("FROM a:1\nONBUILD RUN sudo make\nUSER 1\n");
    assert!(f.iter().any(|i| i == "DD-DF-103"));
}

#[test]
fn final_stage_user_is_inherited_from_parent_stage() {
    let f = ids("FROM a:1 AS base\nUSER root\nFROM base\nRUN x\n");
    assert!(f.iter().any(|i| i == "DD-DF-011"), "{f:?}");
}

#[test]
fn global_args_are_only_visible_where_redeclared() {
    let out_of_scope = ids("ARG P=22\nFROM a:1\nEXPOSE $P 8080\nUSER 1\n");
    assert!(
        !out_of_scope.iter().any(|i| i == "DD-DF-020"),
        "{out_of_scope:?}"
    );
    let redeclared = ids("ARG P=22\nFROM a:1\nARG P\nEXPOSE $P\nUSER 1\n");
    assert!(
        redeclared.iter().any(|i| i == "DD-DF-020"),
        "{redeclared:?}"
    );
    let env_inherited = ids("FROM a:1 AS base\nENV P=22\nFROM base\nEXPOSE ${P}\n");
    assert!(
        env_inherited.iter().any(|i| i == "DD-DF-020"),
        "{env_inherited:?}"
    );
    let arg_not_inherited = ids("FROM a:1 AS base\nARG P=22\nFROM base\nEXPOSE ${P:-80}\n");
    assert!(
        !arg_not_inherited.iter().any(|i| i == "DD-DF-020"),
        "{arg_not_inherited:?}"
    );
}
