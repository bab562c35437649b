# Pester tests of src/azure/scripts/exchange-ready.ps1: fresh (task running, then done and
# serving), already ready, failure (the task failed: log tail shown), deadline.
BeforeAll {
  . (Join-Path $PSScriptRoot 'stubs.ps1')
  $script:Script = Join-Path $PSScriptRoot '../../src/azure/scripts/exchange-ready.ps1'
}

Describe 'exchange-ready.ps1' {
  BeforeEach {
    $script:State = Join-Path $TestDrive ([guid]::NewGuid())
    New-Item -ItemType Directory -Path $script:State -Force | Out-Null
    Mock Start-Sleep { }
    Mock Get-Service { [pscustomobject]@{ Name = $Name; Status = 'Running' } }
    Mock Invoke-WebRequest { [pscustomobject]@{ StatusCode = 200 } }
  }

  It 'already installed and serving: exits 0 at once' {
    Set-Content -Path (Join-Path $script:State 'exchange.done') -Value 'x'
    $out = & $script:Script -TimeoutSeconds 5 -PollSeconds 0 -StateDir $script:State
    $LASTEXITCODE | Should -Be 0
    ($out -join "`n") | Should -Match 'EXCHANGE READY'
    Should -Invoke Invoke-WebRequest -Times 1 -Exactly -ParameterFilter { $Uri -eq 'https://localhost/owa/healthcheck.htm' }
  }

  It 'fresh: waits while the task runs, then passes once it is done and OWA answers' {
    $global:Polls = 0
    $global:StateForMock = $script:State
    Mock Start-Sleep { $global:Polls++; if ($global:Polls -eq 2) { Set-Content -Path (Join-Path $global:StateForMock 'exchange.done') -Value 'x' } }
    & $script:Script -TimeoutSeconds 5 -PollSeconds 0 -StateDir $script:State | Out-Null
    $LASTEXITCODE | Should -Be 0
    Should -Invoke Start-Sleep -Times 2 -Exactly
  }

  It 'failure: the task failed; exits 1 with its reason and the log tail' {
    Set-Content -Path (Join-Path $script:State 'exchange.failed') -Value 'Setup install exited with 1'
    Set-Content -Path (Join-Path $script:State 'exchange-install.log') -Value '[t] Setup.exe /Mode:Install'
    $out = & $script:Script -TimeoutSeconds 5 -PollSeconds 0 -StateDir $script:State
    $LASTEXITCODE | Should -Be 1
    $text = $out -join "`n"
    $text | Should -Match 'EXCHANGE FAILED on .*: Setup install exited with 1'
    $text | Should -Match 'Setup.exe /Mode:Install'
  }

  It 'deadline: done but OWA does not answer and a service is stopped; exits 1 naming them' {
    Set-Content -Path (Join-Path $script:State 'exchange.done') -Value 'x'
    Mock Invoke-WebRequest { throw 'Unable to connect' }
    Mock Get-Service { [pscustomobject]@{ Name = 'MSExchangeIS'; Status = 'Stopped' } } -ParameterFilter { $Name -eq 'MSExchangeIS' }
    $out = & $script:Script -TimeoutSeconds 0 -PollSeconds 0 -StateDir $script:State
    $LASTEXITCODE | Should -Be 1
    $text = $out -join "`n"
    $text | Should -Match 'EXCHANGE NOT READY'
    $text | Should -Match 'service MSExchangeIS\s+False\s+Stopped'
    $text | Should -Match 'OWA health check\s+False'
  }
}
