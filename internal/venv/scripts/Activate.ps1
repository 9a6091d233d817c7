# Activates the virtual environment this script belongs to in PowerShell
# (Windows PowerShell 5.1 or PowerShell 7 on any system). Dot-source it:
#
#     . __FERRY_BIN_COMMENT__/Activate.ps1
#
# Activation puts the environment's __FERRY_BIN_NAME__ first on PATH, sets
# VIRTUAL_ENV and VIRTUAL_ENV_PROMPT, removes PYTHONHOME, and prefixes the
# prompt (unless VIRTUAL_ENV_DISABLE_PROMPT is set). `deactivate` undoes
# all of it. The environment is found from this script's own location, so
# it keeps working if the environment is reached through another path.
# Written by ferry.

# Another environment may be active: leave it first.
if ($env:VIRTUAL_ENV -and (Test-Path function:deactivate)) {
    deactivate
}

function global:deactivate([switch] $NonDestructive) {
    if (Test-Path variable:global:_FerrySavedPath) {
        $env:PATH = $global:_FerrySavedPath
        Remove-Variable -Name _FerrySavedPath -Scope Global
    }
    if (Test-Path variable:global:_FerrySavedPythonHome) {
        $env:PYTHONHOME = $global:_FerrySavedPythonHome
        Remove-Variable -Name _FerrySavedPythonHome -Scope Global
    }
    if (Test-Path variable:global:_FerrySavedPrompt) {
        $function:global:prompt = $global:_FerrySavedPrompt
        Remove-Variable -Name _FerrySavedPrompt -Scope Global
    }
    if (Test-Path env:VIRTUAL_ENV) { Remove-Item env:VIRTUAL_ENV }
    if (Test-Path env:VIRTUAL_ENV_PROMPT) { Remove-Item env:VIRTUAL_ENV_PROMPT }
    if (-not $NonDestructive) {
        Remove-Item function:global:deactivate
    }
}

# Clear anything a half-finished earlier activation left behind.
deactivate -NonDestructive

$env:VIRTUAL_ENV = Split-Path -Parent $PSScriptRoot
$env:VIRTUAL_ENV_PROMPT = __FERRY_PROMPT__

$global:_FerrySavedPath = $env:PATH
$env:PATH = $PSScriptRoot + [System.IO.Path]::PathSeparator + $env:PATH

if (Test-Path env:PYTHONHOME) {
    $global:_FerrySavedPythonHome = $env:PYTHONHOME
    Remove-Item env:PYTHONHOME
}

if (-not $env:VIRTUAL_ENV_DISABLE_PROMPT) {
    $global:_FerrySavedPrompt = $function:prompt
    function global:prompt {
        Write-Host -NoNewline "($env:VIRTUAL_ENV_PROMPT) "
        & $global:_FerrySavedPrompt
    }
}
