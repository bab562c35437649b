# Pester tests of src/azure/scripts/exchange-prereqs.ps1: fresh, already done, failure (download
# refused: the SAS URL never printed), an installer failing; no restart unless all succeeded.
BeforeAll {
  . (Join-Path $PSScriptRoot 'stubs.ps1')
  $script:Script = Join-Path $PSScriptRoot '../../src/azure/scripts/exchange-prereqs.ps1'
  $script:Url = 'https://acct.blob.core.windows.net/iso/ExchangeServerSE-x64.iso?sv=2024-11-04&se=2026-12-01&sr=b&sp=r&sig=TOPSECRETSIG'
}

Describe 'exchange-prereqs.ps1' {
  BeforeEach {
    $script:State = Join-Path $TestDrive ([guid]::NewGuid())
    $script:Iso = Join-Path $TestDrive "$([guid]::NewGuid())/ExchangeServerSE-x64.iso"
    Mock Invoke-WebRequest { Set-Content -Path $OutFile -Value 'x' }
    Mock Install-WindowsFeature { }
    Mock Get-ItemProperty { [pscustomobject]@{ Release = 528449 } }
    Mock Start-Process { [pscustomobject]@{ ExitCode = 0 } }
    Mock Get-DiskImage { [pscustomobject]@{ ImagePath = $ImagePath; Attached = $false } }
    Mock Mount-DiskImage { [pscustomobject]@{ ImagePath = $ImagePath; Attached = $true } }
    Mock Get-Volume { [pscustomobject]@{ DriveLetter = 'E' } }
  }

  It 'fresh: downloads the ISO once, installs features, .NET 4.8.1, VC++ 2012/2013, URL Rewrite, UCMA, schedules the restart' {
    $out = & $script:Script -IsoUrl $script:Url -IsoPath $script:Iso -StateDir $script:State
    $LASTEXITCODE | Should -Be 0
    Should -Invoke Invoke-WebRequest -Times 1 -Exactly -ParameterFilter { $Uri -like '*acct.blob*' }
    Should -Invoke Invoke-WebRequest -Times 3 -Exactly -ParameterFilter { $Uri -like 'https://download.microsoft.com/*' }
    Should -Invoke Invoke-WebRequest -Times 1 -Exactly -ParameterFilter { $Uri -eq 'https://aka.ms/highdpimfc2013x64enu' -and $OutFile -like '*VcRedist2013.exe' }
    Should -Invoke Start-Process -Times 1 -Exactly -ParameterFilter { $FilePath -like '*VcRedist2013.exe' -and ($ArgumentList -join ' ') -eq '/install /quiet /norestart' }
    Should -Invoke Start-Process -Times 1 -Exactly -ParameterFilter { $FilePath -eq 'msiexec.exe' -and $ArgumentList[1] -like '*UrlRewrite.msi' }
    Should -Invoke Mount-DiskImage -Times 1 -Exactly
    Should -Invoke Start-Process -Times 1 -Exactly -ParameterFilter { $FilePath -eq 'E:\UCMARedist\Setup.exe' }
    Should -Invoke Start-Process -Times 1 -Exactly -ParameterFilter { $FilePath -eq 'msiexec.exe' }
    Should -Invoke Start-Process -Times 1 -Exactly -ParameterFilter { $FilePath -eq 'shutdown.exe' }
    Test-Path $script:Iso | Should -BeTrue
    ($out -join "`n") | Should -Not -Match 'TOPSECRETSIG'
  }

  It 'skips .NET 4.8.1 where it is present, and the ISO download where the ISO is' {
    Mock Get-ItemProperty { [pscustomobject]@{ Release = 533320 } }
    New-Item -ItemType Directory -Path (Split-Path $script:Iso) -Force | Out-Null
    Set-Content -Path $script:Iso -Value 'iso'
    & $script:Script -IsoUrl $script:Url -IsoPath $script:Iso -StateDir $script:State | Out-Null
    $LASTEXITCODE | Should -Be 0
    Should -Invoke Invoke-WebRequest -Times 3 -Exactly
  }

  It 'a rerun after a failure: reuses the ISO still mounted' {
    Mock Get-DiskImage { [pscustomobject]@{ ImagePath = $ImagePath; Attached = $true } }
    & $script:Script -IsoUrl $script:Url -IsoPath $script:Iso -StateDir $script:State | Out-Null
    $LASTEXITCODE | Should -Be 0
    Should -Invoke Mount-DiskImage -Times 0 -Exactly
    Should -Invoke Start-Process -Times 1 -Exactly -ParameterFilter { $FilePath -eq 'E:\UCMARedist\Setup.exe' }
  }

  It 'already done: does nothing, exits 0' {
    New-Item -ItemType Directory -Path $script:State -Force | Out-Null
    Set-Content -Path (Join-Path $script:State 'exchange-prereqs.done') -Value 'x'
    & $script:Script -IsoUrl $script:Url -IsoPath $script:Iso -StateDir $script:State | Out-Null
    $LASTEXITCODE | Should -Be 0
    Should -Invoke Invoke-WebRequest -Times 0 -Exactly
  }

  It 'failure: the ISO download is refused; FAILED without the SAS URL, exits 1, no restart' {
    Mock Invoke-WebRequest { throw "403 AuthenticationFailed for $Uri" } -ParameterFilter { $Uri -like '*acct.blob*' }
    $out = & $script:Script -IsoUrl $script:Url -IsoPath $script:Iso -StateDir $script:State
    $LASTEXITCODE | Should -Be 1
    $text = $out -join "`n"
    $text | Should -Match 'FAILED: the ISO download failed \(is the SAS URL still valid\?\)'
    $text | Should -Not -Match 'TOPSECRETSIG'
    $text | Should -Not -Match 'acct.blob.core.windows.net'
    Should -Invoke Start-Process -Times 0 -Exactly
  }

  It 'failure: an installer exits 1603; exits 1, leaves no marker (a rerun starts again)' {
    Mock Start-Process { [pscustomobject]@{ ExitCode = 1603 } } -ParameterFilter { $FilePath -eq 'msiexec.exe' }
    $out = & $script:Script -IsoUrl $script:Url -IsoPath $script:Iso -StateDir $script:State
    $LASTEXITCODE | Should -Be 1
    ($out -join "`n") | Should -Match 'UrlRewrite installer exited with 1603'
    Test-Path (Join-Path $script:State 'exchange-prereqs.done') | Should -BeFalse
  }
}
