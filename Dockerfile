FROM python:3.11-slim
# graphsvc's HTTP service; docker-compose.yml runs it against Neo4j 5.

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY graphsvc ./graphsvc
RUN pip install . \
    && python -c "from graphsvc.store.cypher import load; load('author')" \
    && rm -rf /src/build

RUN useradd --create-home --uid 10001 graphsvc \
    && mkdir -p /data \
    && chown graphsvc /data
USER graphsvc
WORKDIR /data
ENV GRAPHSVC_DATA_DIR=/data

EXPOSE 8000
CMD ["graphsvc", "serve", "--host", "0.0.0.0", "--port", "8000"]
