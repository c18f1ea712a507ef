FROM golang:1.22-alpine AS build
WORKDIR /src
COPY . .
RUN go build -o /app .

FROM scratch
COPY --from=build /app /app
USER 65534
ENTRYPOINT ["/app"]
