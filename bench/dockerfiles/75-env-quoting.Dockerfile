FROM eclipse-temurin:21-jre
ENV JAVA_OPTS="-Xmx512m -Dfile.encoding=UTF-8" \
    APP_HOME=/opt/app
ENV PATH="/opt/venv/bin:$PATH" SPRING_PROFILES_ACTIVE=prod
LABEL org.opencontainers.image.source="https://example.com/repo" \
      org.opencontainers.image.licenses="Apache-2.0"
WORKDIR $APP_HOME
COPY target/app.jar app.jar
USER 10001
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar app.jar"]
