# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Invoke-WebRequest -Uri https://example.com/x.zip -OutFile C:\x.zip ; `
    Expand-Archive C:\x.zip -DestinationPath C:\x
WORKDIR C:\app
COPY app.exe C:\app\
USER ContainerUser
CMD ["C:\\app\\app.exe"]
