FROM buildpack-deps:bookworm
ENV PATH /usr/local/bin:$PATH
ENV LANG C.UTF-8
ENV GPG_KEY 89ABCDEF0123456789ABCDEF0123456789ABCDEF
ENV PYTHON_VERSION 3.11.8
RUN set -eux; \
	wget -O python.tar.xz "https://downloads.example.org/python/${PYTHON_VERSION%%[a-z]*}/Python-$PYTHON_VERSION.tar.xz"; \
	wget -O python.tar.xz.asc "https://downloads.example.org/python/${PYTHON_VERSION%%[a-z]*}/Python-$PYTHON_VERSION.tar.xz.asc"; \
	GNUPGHOME="$(mktemp -d)"; export GNUPGHOME; \
	gpg --batch --keyserver hkps://keys.example.org --recv-keys "$GPG_KEY"; \
	gpg --batch --verify python.tar.xz.asc python.tar.xz; \
	mkdir -p /usr/src/python; \
	tar --extract --directory /usr/src/python --strip-components=1 --file python.tar.xz; \
	rm python.tar.xz; \
	cd /usr/src/python; \
	./configure --enable-optimizations; \
	nproc="$(nproc)"; \
	make -j "$nproc"; \
	make install; \
	find /usr/local/lib -depth -type d -name __pycache__ -exec rm -rf '{}' + ; \
	ldconfig; \
	python3 --version
RUN set -eux; for src in pydoc3 python3; do dst="$(echo "$src" | tr -d 3)"; [ -s "/usr/local/bin/$src" ]; ln -svT "$src" "/usr/local/bin/$dst"; done
CMD ["python3"]
