FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=1
RUN pip install requests==2.31.0
RUN --mount=type=cache,target=/root/.cache/pip pip install httpx==0.27.0
RUN pip install --upgrade pip
USER 1000
