# bash completion for optivfio(1)
#
# Commands and options are read from `optivfio --help` and
# `optivfio COMMAND --help`, so completion follows the installed binary;
# BDFs come from /sys/bus/pci/devices (under --root when one is given).

_optivfio_root() {
	local i
	for ((i = 1; i < COMP_CWORD; i++)); do
		if [[ ${COMP_WORDS[i]} == --root ]]; then
			echo "${COMP_WORDS[i + 1]}"
			return
		fi
	done
}

_optivfio() {
	local cur prev cmd i root
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}

	# The command is the first word that is not a global option or its value.
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--root) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done

	case $prev in
	--root | -o | --output | --ssdt-dir | --state-dir)
		compopt -o filenames
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--gpu)
		root=$(_optivfio_root)
		COMPREPLY=($(compgen -W "$(ls "$root/sys/bus/pci/devices" 2>/dev/null)" -- "$cur"))
		return ;;
	--rom | --domain-xml | --rom-bar)
		compopt -o filenames
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	esac

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--root --json --verbose --quiet --help --version -v -q -h" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(optivfio --help 2>/dev/null |
				sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')" -- "$cur"))
		fi
		return
	fi

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(optivfio "$cmd" --help 2>/dev/null |
			grep -o -- '--[a-z][a-z0-9-]*' | sort -u)" -- "$cur"))
		return
	fi
	# Sub-commands ("rom info|strip|dump") as the usage line spells them.
	if ((COMP_CWORD == i + 1)); then
		local subs
		subs=$(optivfio --help 2>/dev/null | sed -n "s/^  $cmd \([a-z|-]*\) .*/\1/p" | tr '|' ' ')
		[[ -n $subs ]] && COMPREPLY=($(compgen -W "$subs" -- "$cur"))
		return
	fi
	compopt -o filenames
	COMPREPLY=($(compgen -f -- "$cur"))
}

complete -F _optivfio optivfio
