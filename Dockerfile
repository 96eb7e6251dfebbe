# The mlscale container image: the static mlscale binary of scripts/release on debian:12-slim.
#   docker build -t mlscale .
#   docker run --rm -v "$PWD:/src" mlscale check infra/ --format sarif -o mlscale.sarif
# Why debian:12-slim and not scratch: CI systems need a shell inside a job's image (GitLab runs a
# job's `script` lines with sh; GitHub's `container:` jobs run their steps in the image; pre-commit's
# docker hooks and people debugging use one too). mlscale itself needs nothing of Debian: it is a
# static PIE that links no shared library, reads no system file (rules, profiles and schemas are
# compiled in) and opens no connection, so `FROM scratch` + the same COPY line also works (the
# test suite runs the binary in an empty root: tests/release/deb.sh) for those who want ~7 MB
# instead of ~80 MB. gcr.io/distroless/static would sit between the two, but Debian's images are
# the only base this project builds from and tests against.
# The image runs as root: a CI job's workspace is mounted from the host and -o files are written
# into it as the runner expects; pass --user "$(id -u):$(id -g)" to docker run to write as yourself.

# Build: Debian 12 with the project's own dependency list (scripts/install-deps), then
# scripts/release, the same Release build, static link and tarball as a published release.
FROM debian:12 AS build
WORKDIR /src
COPY scripts/install-deps scripts/install-deps
RUN scripts/install-deps && rm -rf /var/lib/apt/lists/*
COPY . .
RUN scripts/release --out /dist --build-dir /build --allow-dirty \
 && mkdir /out \
 && tar -xzf /dist/mlscale-*-linux-*.tar.gz -C /out --strip-components=1 \
 && /out/bin/mlscale --version

# The runtime: Debian 12 slim and the binary, nothing else of the build.
FROM debian:12-slim
LABEL org.opencontainers.image.title="mlscale" \
      org.opencontainers.image.description="Scaling advisor and CI checker for ML training infrastructure on AWS" \
      org.opencontainers.image.source="https://github.com/mlscale/mlscale"
COPY --from=build /out/bin/mlscale /usr/local/bin/mlscale
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/mlscale"]
CMD ["--help"]
