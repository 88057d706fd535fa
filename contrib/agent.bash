# Bash completion for agent and firmware-sim. Both answer System.CommandLine's [suggest:POSITION] directive with
# the candidates for the command line so far (subcommands, options, option values such as --framing hdlc|slip);
# file names are the fallback (--port /dev/tty<Tab>).
#   install: sudo cp contrib/agent.bash /usr/share/bash-completion/completions/agent
#            sudo ln -s agent /usr/share/bash-completion/completions/firmware-sim
#   or:      source contrib/agent.bash        (in ~/.bashrc)
_agent() {
    local cur=${COMP_WORDS[COMP_CWORD]} IFS=$'\n'
    COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "$cur"))
}
complete -o default -F _agent agent firmware-sim
