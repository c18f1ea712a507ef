from alpine:3.19 as Builder
run apk add --no-cache make=4.4.1-r2
From alpine:3.19
copy --from=builder /usr/bin/make /usr/bin/make
user 1000
cmd ["make"]
