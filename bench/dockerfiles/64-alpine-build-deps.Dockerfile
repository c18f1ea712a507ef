FROM python:3.12-alpine3.19
WORKDIR /app
COPY requirements.txt .
RUN apk add --no-cache --virtual .build-deps gcc musl-dev libffi-dev \
    && pip install --no-cache-dir -r requirements.txt \
    && apk del .build-deps
RUN addgroup -S app && adduser -S -G app app
COPY --chown=app:app . .
USER app
CMD ["python", "main.py"]
