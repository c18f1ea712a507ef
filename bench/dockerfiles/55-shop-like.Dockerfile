FROM debian:bookworm-slim
ARG GITHUB_TOKEN
RUN apt-get update && apt-get install -y python3 python3-venv curl openssh-client
RUN curl -sSL https://get.example.sh | sh
ENV DB_PASSWORD=Pr0d-0ydN0T0TIbWWOm
ADD app /app
RUN pip install -r /app/requirements.txt
EXPOSE 22 8000
CMD python manage.py runserver 0.0.0.0:8000
