# Pester tests of src/azure/scripts/dc-promote.ps1: fresh forest, fresh replica, already a DC,
# already promoted, failure; the passwords never appear in the output.
BeforeAll {
  . (Join-Path $PSScriptRoot 'stubs.ps1')
  $script:Script = Join-Path $PSScriptRoot '../../src/azure/scripts/dc-promote.ps1'
  $script:Dsrm = 'Dsrm-Secret-4711'
  $script:Admin = 'Admin-Secret-0815'
}

Describe 'dc-promote.ps1' {
  BeforeEach {
    Mock Get-WmiObject { [pscustomobject]@{ DomainRole = 3; Domain = 'WORKGROUP' } }
    Mock Install-WindowsFeature { }
    Mock Install-ADDSForest { }
    Mock Install-ADDSDomainController { }
    Mock Start-Process { }
    $script:State = Join-Path $TestDrive ([guid]::NewGuid())
  }

  It 'fresh forest root: installs AD DS and DNS, creates the forest without reboot, schedules the restart, exits 0' {
    $out = & $script:Script -Mode Forest -DomainName lab.example.com -DomainNetbiosName LAB -SafeModePassword $script:Dsrm -StateDir $script:State
    $LASTEXITCODE | Should -Be 0
    Should -Invoke Install-WindowsFeature -Times 1 -Exactly -ParameterFilter { ($Name -join ',') -eq 'AD-Domain-Services,DNS' -and $IncludeManagementTools }
    Should -Invoke Install-ADDSForest -Times 1 -Exactly -ParameterFilter { $DomainName -eq 'lab.example.com' -and $DomainNetbiosName -eq 'LAB' -and $NoRebootOnCompletion -and $InstallDns -and $SafeModeAdministratorPassword -is [securestring] }
    Should -Invoke Start-Process -Times 1 -Exactly -ParameterFilter { $FilePath -eq 'shutdown.exe' -and ($ArgumentList -join ' ') -match '^/r /t 15' }
    Test-Path (Join-Path $script:State 'dc-promote.done') | Should -BeTrue
    ($out -join "`n") | Should -Not -Match $script:Dsrm
  }

  It 'fresh replica: Install-ADDSDomainController with the domain administrator' {
    & $script:Script -Mode Replica -DomainName lab.example.com -DomainNetbiosName LAB -SafeModePassword $script:Dsrm -AdminUser labadmin -AdminPassword $script:Admin -StateDir $script:State | Out-Null
    $LASTEXITCODE | Should -Be 0
    Should -Invoke Install-ADDSDomainController -Times 1 -Exactly -ParameterFilter { $Credential.UserName -eq 'LAB\labadmin' -and $NoRebootOnCompletion }
    Should -Invoke Install-ADDSForest -Times 0 -Exactly
  }

  It 'already a domain controller: does nothing, exits 0' {
    Mock Get-WmiObject { [pscustomobject]@{ DomainRole = 5; Domain = 'lab.example.com' } }
    $out = & $script:Script -DomainName lab.example.com -DomainNetbiosName LAB -SafeModePassword $script:Dsrm -StateDir $script:State
    $LASTEXITCODE | Should -Be 0
    ($out -join "`n") | Should -Match 'already a domain controller'
    Should -Invoke Install-ADDSForest -Times 0 -Exactly
    Should -Invoke Start-Process -Times 0 -Exactly
  }

  It 'promotion already done (restart pending): does nothing, exits 0' {
    New-Item -ItemType Directory -Path $script:State -Force | Out-Null
    Set-Content -Path (Join-Path $script:State 'dc-promote.done') -Value (Get-Date -Format o)
    & $script:Script -DomainName lab.example.com -DomainNetbiosName LAB -SafeModePassword $script:Dsrm -StateDir $script:State | Out-Null
    $LASTEXITCODE | Should -Be 0
    Should -Invoke Install-WindowsFeature -Times 0 -Exactly
  }

  It 'failure: prints FAILED without the passwords, exits 1, schedules no restart' {
    Mock Install-ADDSForest { throw "Verification of prerequisites failed for $($SafeModeAdministratorPassword.Length)" }
    $out = & $script:Script -DomainName lab.example.com -DomainNetbiosName LAB -SafeModePassword $script:Dsrm -StateDir $script:State
    $LASTEXITCODE | Should -Be 1
    ($out -join "`n") | Should -Match 'FAILED: Verification of prerequisites failed'
    ($out -join "`n") | Should -Not -Match $script:Dsrm
    Should -Invoke Start-Process -Times 0 -Exactly
    Test-Path (Join-Path $script:State 'dc-promote.done') | Should -BeFalse
  }

  It 'failure without the required parameters (deadline-free step): exits 1' {
    & $script:Script -DomainName lab.example.com -StateDir $script:State | Out-Null
    $LASTEXITCODE | Should -Be 1
  }
}
