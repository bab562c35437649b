# Pester tests of src/azure/scripts/exchange-install.ps1 (the task body): fresh (three Setup
# stages, key, done, task unregistered), resumed after a restart, already done, failure.
BeforeAll {
  . (Join-Path $PSScriptRoot 'stubs.ps1')
  $script:Script = Join-Path $PSScriptRoot '../../src/azure/scripts/exchange-install.ps1'
}

Describe 'exchange-install.ps1' {
  BeforeEach {
    $script:State = Join-Path $TestDrive ([guid]::NewGuid())
    New-Item -ItemType Directory -Path $script:State -Force | Out-Null
    Mock Get-DiskImage { [pscustomobject]@{ Attached = $false } }
    Mock Mount-DiskImage { [pscustomobject]@{ Attached = $true } }
    Mock Get-Volume { [pscustomobject]@{ DriveLetter = 'E' } }
    Mock Start-Process { [pscustomobject]@{ ExitCode = 0 } }
    Mock Add-PSSnapin { }
    Mock Set-ExchangeServer { }
    Mock Unregister-ScheduledTask { }
    Mock Restart-Service { }
  }

  It 'fresh: PrepareSchema, PrepareAD with the organization, Install Mailbox; enters the key, marks done, unregisters the task' {
    Set-Content -Path (Join-Path $script:State 'product.key') -Value 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE'
    & $script:Script -Organization 'Contoso Lab' -StateDir $script:State -IsoPath 'x.iso'
    $LASTEXITCODE | Should -Be 0
    Should -Invoke Start-Process -Times 3 -Exactly -ParameterFilter { $FilePath -eq 'E:\Setup.exe' -and $ArgumentList[0] -eq '/IAcceptExchangeServerLicenseTerms_DiagnosticDataOFF' }
    Should -Invoke Start-Process -Times 1 -Exactly -ParameterFilter { ($ArgumentList -join ' ') -eq '/IAcceptExchangeServerLicenseTerms_DiagnosticDataOFF /PrepareAD /OrganizationName:"Contoso Lab"' }
    Should -Invoke Start-Process -Times 1 -Exactly -ParameterFilter { ($ArgumentList -join ' ') -match '/Mode:Install /Roles:Mailbox' }
    Should -Invoke Set-ExchangeServer -Times 1 -Exactly -ParameterFilter { $ProductKey -eq 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE' }
    Should -Invoke Restart-Service -Times 1 -Exactly -ParameterFilter { $Name -eq 'MSExchangeIS' }
    Should -Invoke Unregister-ScheduledTask -Times 1 -Exactly
    Test-Path (Join-Path $script:State 'exchange.done') | Should -BeTrue
    Test-Path (Join-Path $script:State 'product.key') | Should -BeFalse
    Get-Content (Join-Path $script:State 'exchange-install.log') -Raw | Should -Not -Match 'AAAAA'
  }

  It 'failure: a rejected key is never written, neither to the log nor to exchange.failed' {
    Set-Content -Path (Join-Path $script:State 'product.key') -Value 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE'
    Mock Set-ExchangeServer { throw "The product key $ProductKey is not valid." }
    & $script:Script -StateDir $script:State -IsoPath 'x.iso'
    $LASTEXITCODE | Should -Be 1
    Get-Content (Join-Path $script:State 'exchange.failed') -Raw | Should -Match 'The product key \*\*\* is not valid'
    Get-Content (Join-Path $script:State 'exchange-install.log') -Raw | Should -Not -Match 'AAAAA'
    Test-Path (Join-Path $script:State 'exchange.done') | Should -BeFalse
  }

  It 'resumed after a restart: skips the stages already done' {
    Set-Content -Path (Join-Path $script:State 'exchange-prepare-schema.done') -Value 'x'
    Set-Content -Path (Join-Path $script:State 'exchange-prepare-ad.done') -Value 'x'
    & $script:Script -StateDir $script:State -IsoPath 'x.iso'
    $LASTEXITCODE | Should -Be 0
    Should -Invoke Start-Process -Times 1 -Exactly
    Should -Invoke Set-ExchangeServer -Times 0 -Exactly
  }

  It 'already done: exits 0 without running Setup' {
    Set-Content -Path (Join-Path $script:State 'exchange.done') -Value 'x'
    & $script:Script -StateDir $script:State -IsoPath 'x.iso'
    $LASTEXITCODE | Should -Be 0
    Should -Invoke Start-Process -Times 0 -Exactly
  }

  It 'failure: Setup exits 1; writes exchange.failed and the log, exits 1, keeps the task for a retry' {
    Mock Start-Process { [pscustomobject]@{ ExitCode = 1 } } -ParameterFilter { $ArgumentList -contains '/PrepareAD' }
    & $script:Script -StateDir $script:State -IsoPath 'x.iso'
    $LASTEXITCODE | Should -Be 1
    Get-Content (Join-Path $script:State 'exchange.failed') -Raw | Should -Match 'Setup prepare-ad exited with 1'
    Test-Path (Join-Path $script:State 'exchange-prepare-schema.done') | Should -BeTrue
    Should -Invoke Unregister-ScheduledTask -Times 0 -Exactly
  }
}
