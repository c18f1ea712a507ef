FROM alpine:3.19
RUN <<FILE1 cat > /file1 && <<FILE2 cat > /file2
content one
FILE1
content two
FILE2
USER 1000
