# Activates the virtual environment __FERRY_DIR_COMMENT__
# in csh or tcsh. Source it, do not run it:
#
#     source __FERRY_BIN_COMMENT__/activate.csh
#
# Activation puts the environment's __FERRY_BIN_NAME__ first on PATH, sets
# VIRTUAL_ENV and VIRTUAL_ENV_PROMPT, unsets PYTHONHOME, and prefixes the
# prompt (unless VIRTUAL_ENV_DISABLE_PROMPT is set). `deactivate` undoes
# all of it. Written by ferry.

alias deactivate 'test $?_ferry_saved_path != 0 && setenv PATH "$_ferry_saved_path:q" && unset _ferry_saved_path; test $?_ferry_saved_pythonhome != 0 && setenv PYTHONHOME "$_ferry_saved_pythonhome:q" && unset _ferry_saved_pythonhome; test $?_ferry_saved_prompt != 0 && set prompt="$_ferry_saved_prompt:q" && unset _ferry_saved_prompt; unsetenv VIRTUAL_ENV; unsetenv VIRTUAL_ENV_PROMPT; rehash; test "\!:*" != "nondestructive" && unalias deactivate'

# Clear anything an earlier activation left behind.
deactivate nondestructive

setenv VIRTUAL_ENV __FERRY_DIR__
setenv VIRTUAL_ENV_PROMPT __FERRY_PROMPT__

set _ferry_saved_path="$PATH:q"
setenv PATH "${VIRTUAL_ENV}/__FERRY_BIN_NAME__:$PATH:q"

if ($?PYTHONHOME) then
    set _ferry_saved_pythonhome="$PYTHONHOME:q"
    unsetenv PYTHONHOME
endif

set _ferry_prompt_wanted=1
if ($?VIRTUAL_ENV_DISABLE_PROMPT) then
    if ("$VIRTUAL_ENV_DISABLE_PROMPT" != "") set _ferry_prompt_wanted=0
endif
if ($_ferry_prompt_wanted && $?prompt) then
    set _ferry_saved_prompt="$prompt:q"
    set prompt="($VIRTUAL_ENV_PROMPT:q) $prompt:q"
endif
unset _ferry_prompt_wanted

rehash
