# Activates the virtual environment __FERRY_DIR_COMMENT__
# in fish. Source it, do not run it:
#
#     source __FERRY_BIN_COMMENT__/activate.fish
#
# Activation puts the environment's __FERRY_BIN_NAME__ first on PATH, sets
# VIRTUAL_ENV and VIRTUAL_ENV_PROMPT, unsets PYTHONHOME, and prefixes the
# prompt (unless VIRTUAL_ENV_DISABLE_PROMPT is set). `deactivate` undoes
# all of it. Written by ferry.

# Another environment may be active: leave it first.
if set -q VIRTUAL_ENV; and functions -q deactivate
    deactivate
end

function deactivate --description "Leave the virtual environment"
    if set -q _ferry_saved_path
        set -gx PATH $_ferry_saved_path
        set -e _ferry_saved_path
    end
    if set -q _ferry_saved_pythonhome
        set -gx PYTHONHOME $_ferry_saved_pythonhome
        set -e _ferry_saved_pythonhome
    end
    if functions -q _ferry_saved_fish_prompt
        functions -e fish_prompt
        functions -c _ferry_saved_fish_prompt fish_prompt
        functions -e _ferry_saved_fish_prompt
    end
    set -e VIRTUAL_ENV
    set -e VIRTUAL_ENV_PROMPT
    if test "$argv[1]" != nondestructive
        functions -e deactivate
    end
end

# Clear anything a half-finished earlier activation left behind.
deactivate nondestructive

set -gx VIRTUAL_ENV __FERRY_DIR__
set -gx VIRTUAL_ENV_PROMPT __FERRY_PROMPT__

set -g _ferry_saved_path $PATH
set -gx PATH "$VIRTUAL_ENV/__FERRY_BIN_NAME__" $PATH

if set -q PYTHONHOME
    set -g _ferry_saved_pythonhome $PYTHONHOME
    set -e PYTHONHOME
end

if test -z "$VIRTUAL_ENV_DISABLE_PROMPT"; and functions -q fish_prompt
    functions -c fish_prompt _ferry_saved_fish_prompt
    function fish_prompt
        # Keep the previous command's status for the original prompt.
        set -l last_status $status
        printf '(%s) ' $VIRTUAL_ENV_PROMPT
        echo "exit $last_status" | source
        _ferry_saved_fish_prompt
    end
end
