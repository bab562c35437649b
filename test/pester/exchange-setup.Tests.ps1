# Pester tests of src/azure/scripts/exchange-setup.ps1: fresh (task registered as the domain
# administrator and started), already installed, task already registered, failure; no secret in output.
BeforeAll {
  . (Join-Path $PSScriptRoot 'stubs.ps1')
  $script:Script = Join-Path $PSScriptRoot '../../src/azure/scripts/exchange-setup.ps1'
  $script:Secret = 'Task-Secret-5678'
  $script:Key = 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE'
  $script:Body = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("param()`nexit 0`n"))
}

Describe 'exchange-setup.ps1' {
  BeforeEach {
    $script:State = Join-Path $TestDrive ([guid]::NewGuid())
    Mock Get-ScheduledTask { }
    Mock New-ScheduledTaskAction { [pscustomobject]@{ Execute = $Execute; Arguments = $Argument } }
    Mock New-ScheduledTaskTrigger { [pscustomobject]@{ AtStartup = [bool]$AtStartup } }
    Mock New-ScheduledTaskSettingsSet { [pscustomobject]@{} }
    Mock Register-ScheduledTask { }
    Mock Start-ScheduledTask { }
    Mock Start-Process { }
  }

  It 'fresh: writes the install script, registers an AtStartup task as LAB\labadmin, starts it, exits 0' {
    $out = & $script:Script -DomainNetbiosName LAB -AdminUser labadmin -AdminPassword $script:Secret -Organization 'Contoso Lab' -ProductKey $script:Key -InstallScriptBase64 $script:Body -StateDir $script:State
    $LASTEXITCODE | Should -Be 0
    Get-Content (Join-Path $script:State 'exchange-install.ps1') -Raw | Should -Match 'exit 0'
    Should -Invoke Register-ScheduledTask -Times 1 -Exactly -ParameterFilter { $User -eq 'LAB\labadmin' -and $Password -eq $script:Secret -and $RunLevel -eq 'Highest' -and $Trigger.AtStartup }
    Should -Invoke New-ScheduledTaskAction -Times 1 -Exactly -ParameterFilter { $Execute -eq 'powershell.exe' -and $Argument -match '-Organization "Contoso Lab"' -and $Argument -notmatch 'AAAAA' }
    Should -Invoke Start-ScheduledTask -Times 1 -Exactly
    Should -Invoke Start-Process -Times 1 -Exactly -ParameterFilter { $FilePath -eq 'icacls.exe' }
    Test-Path (Join-Path $script:State 'product.key') | Should -BeTrue
    $text = $out -join "`n"
    $text | Should -Not -Match $script:Secret
    $text | Should -Not -Match 'AAAAA'
  }

  It 'without a product key: no key file' {
    & $script:Script -DomainNetbiosName LAB -AdminUser labadmin -AdminPassword $script:Secret -InstallScriptBase64 $script:Body -StateDir $script:State | Out-Null
    $LASTEXITCODE | Should -Be 0
    Test-Path (Join-Path $script:State 'product.key') | Should -BeFalse
  }

  It 'Exchange already installed: does nothing, exits 0' {
    New-Item -ItemType Directory -Path $script:State -Force | Out-Null
    Set-Content -Path (Join-Path $script:State 'exchange.done') -Value 'x'
    & $script:Script -DomainNetbiosName LAB -AdminUser labadmin -AdminPassword $script:Secret -InstallScriptBase64 $script:Body -StateDir $script:State | Out-Null
    $LASTEXITCODE | Should -Be 0
    Should -Invoke Register-ScheduledTask -Times 0 -Exactly
  }

  It 'task already registered (a rerun): does nothing, exits 0' {
    Mock Get-ScheduledTask { [pscustomobject]@{ TaskName = 'exchange-lab-install' } }
    & $script:Script -DomainNetbiosName LAB -AdminUser labadmin -AdminPassword $script:Secret -InstallScriptBase64 $script:Body -StateDir $script:State | Out-Null
    $LASTEXITCODE | Should -Be 0
    Should -Invoke Register-ScheduledTask -Times 0 -Exactly
  }

  It 'task registered but failed (a retry): starts it again without registering, clears exchange.failed, exits 0' {
    Mock Get-ScheduledTask { [pscustomobject]@{ TaskName = 'exchange-lab-install' } }
    New-Item -ItemType Directory -Path $script:State -Force | Out-Null
    Set-Content -Path (Join-Path $script:State 'exchange.failed') -Value 'Setup install exited with 1'
    $out = & $script:Script -DomainNetbiosName LAB -AdminUser labadmin -AdminPassword $script:Secret -InstallScriptBase64 $script:Body -StateDir $script:State
    $LASTEXITCODE | Should -Be 0
    ($out -join "`n") | Should -Match 'had failed: started again'
    Should -Invoke Register-ScheduledTask -Times 0 -Exactly
    Should -Invoke Start-ScheduledTask -Times 1 -Exactly
    Test-Path (Join-Path $script:State 'exchange.failed') | Should -BeFalse
  }

  It 'failure: the task cannot be registered; FAILED without the password, exits 1' {
    Mock Register-ScheduledTask { throw "The user name or password is incorrect: $Password" }
    $out = & $script:Script -DomainNetbiosName LAB -AdminUser labadmin -AdminPassword $script:Secret -InstallScriptBase64 $script:Body -StateDir $script:State
    $LASTEXITCODE | Should -Be 1
    ($out -join "`n") | Should -Match 'FAILED: The user name or password is incorrect: \*\*\*'
    ($out -join "`n") | Should -Not -Match $script:Secret
    Should -Invoke Start-ScheduledTask -Times 0 -Exactly
  }
}
