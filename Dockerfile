# syntax=docker/dockerfile:1
# The emotion-pipeline worker image.
#
#   docker build -t emotion-pipeline:0.1.0 .
#   docker run --rm -p 6066:6066 -e EMOTION_PIPELINE_KAFKA__BOOTSTRAP_SERVERS=kafka:9092 emotion-pipeline:0.1.0
#
# The base is pinned by its exact tag. For a byte-for-byte reproducible build, pin the digest as well, e.g.
# --build-arg PYTHON_IMAGE=python:3.11.14-slim-bookworm@sha256:<digest from `docker buildx imagetools inspect`>.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# The project metadata first, so that a change to the code alone reuses nothing it should not.
COPY pyproject.toml README.md ./
# The compiler builds the emotion engine's compiled English scan; it stays in this stage. The last check
# fails the build if the scan was left out (it is optional to pip, not to the image).
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
COPY pipeline ./pipeline
RUN python -m pip wheel --no-deps --wheel-dir /wheels . \
 && python -m venv /opt/emotion-pipeline \
 && /opt/emotion-pipeline/bin/pip install /wheels/*.whl \
 && /opt/emotion-pipeline/bin/emotion-pipeline --version \
 && /opt/emotion-pipeline/bin/python -c \
    "from pipeline.domain.emotion.english import native_scan_loaded; assert native_scan_loaded()"

FROM ${PYTHON_IMAGE}
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="emotion-pipeline" \
      org.opencontainers.image.description="Labels customer interactions with Plutchik emotions and journey stages; alerts CRM systems before the third bad experience." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"

# A fixed numeric uid/gid, so that Kubernetes runAsNonRoot can verify it and volumes can be chowned to it.
RUN groupadd --system --gid 10001 emotion \
 && useradd --system --uid 10001 --gid emotion --no-create-home --home-dir /var/lib/emotion-pipeline \
      --shell /usr/sbin/nologin emotion \
 && install -d -o 10001 -g 10001 -m 0750 /var/lib/emotion-pipeline

# jemalloc instead of glibc's malloc: RocksDB's background threads allocate and free memtable arenas all the
# time, and with glibc's allocator a worker's memory kept growing where neither RocksDB's counters nor
# Python's heap did (docs/performance.md, "Soak"). LD_PRELOAD names the library, found on the loader path.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libjemalloc2 \
 && rm -rf /var/lib/apt/lists/*

# The venv was built on the same base image, so its interpreter links stay valid here.
COPY --from=build /opt/emotion-pipeline /opt/emotion-pipeline

# The bytecode was compiled at install time; the root file system may be read-only at run time.
ENV PATH=/opt/emotion-pipeline/bin:$PATH \
    LD_PRELOAD=libjemalloc.so.2 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    EMOTION_PIPELINE_WORKER__WEB_HOST=0.0.0.0 \
    EMOTION_PIPELINE_WORKER__WEB_PORT=6066 \
    EMOTION_PIPELINE_WORKER__WORKDIR=/var/lib/emotion-pipeline

USER 10001:10001
WORKDIR /var/lib/emotion-pipeline
VOLUME ["/var/lib/emotion-pipeline"]
EXPOSE 6066

# urllib raises on a refused connection or an HTTP error status, so the exit status is the health.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('EMOTION_PIPELINE_WORKER__WEB_PORT', '6066') + '/healthz', timeout=4)"]

ENTRYPOINT ["emotion-pipeline"]
CMD ["worker"]
