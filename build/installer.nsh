; Included by electron-builder's NSIS installer (nsis.include in electron-builder.yml).
; The tablets of the classroom connect to the server inside this app, so a per-machine install
; (installer run as administrator, or silently with /S /allusers) adds an inbound Windows Firewall
; rule for the app, and the uninstaller removes it. The rule is per program, so it follows the
; port the teacher or IT picks. Profiles: private and domain (a school computer on the school's
; managed network is on the domain profile); never public (cafe, hotel).
; A per-user install cannot change the firewall: Windows asks the teacher on first start instead.
; The MSI does not run these scripts: see docs/it.md, "Firewall", for the same rule as a command or GPO.

!define READERAI_FIREWALL_RULE "ReaderAI Classroom"

!macro customInstall
  ${if} $installMode == "all"
    ; Drop a rule left by an earlier version (it may name another folder), then add ours.
    nsExec::Exec 'netsh advfirewall firewall delete rule name="${READERAI_FIREWALL_RULE}"'
    Pop $0
    nsExec::ExecToLog 'netsh advfirewall firewall add rule name="${READERAI_FIREWALL_RULE}" dir=in action=allow program="$INSTDIR\${APP_EXECUTABLE_FILENAME}" protocol=TCP profile=private,domain enable=yes description="Lets classroom tablets reach ReaderAI Classroom on this computer."'
    Pop $0
    DetailPrint "Windows Firewall rule for ReaderAI Classroom: netsh exit code $0"
  ${endif}
!macroend

!macro customUnInstall
  ${if} $installMode == "all"
    nsExec::ExecToLog 'netsh advfirewall firewall delete rule name="${READERAI_FIREWALL_RULE}"'
    Pop $0
  ${endif}
!macroend
