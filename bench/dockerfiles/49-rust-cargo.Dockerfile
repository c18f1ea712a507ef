FROM rust:1.77 AS build
WORKDIR /src
COPY . .
RUN cargo build --release

FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends libssl3=3.0.11-1~deb12u2 && apt-get clean
COPY --from=build /src/target/release/app /usr/local/bin/app
USER 10001
CMD ["app"]
