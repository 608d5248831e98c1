# bash completion for optivfio(1)
#
# Commands, options and option values are read from `optivfio --help` and
# `optivfio COMMAND [ACTION] --help`, so completion follows the installed
# binary. Only the options a help text defines are offered (its usage lines
# and the lines that start with an option), never an option named in a
# sentence; values are the ones a help spells as a|b|c or lists one per
# line. The global options are accepted after every command, so they are
# offered everywhere. BDFs come from /sys/bus/pci/devices (under --root).

_optivfio_globals="--root --json --verbose --quiet -v -q"

_optivfio_root() {
	local i
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--root) echo "${COMP_WORDS[i + 1]}"; return ;;
		--root=*) echo "${COMP_WORDS[i]#--root=}"; return ;;
		esac
	done
}

# "OPTION<TAB>VALUE" for every option a help defines, VALUE the word that
# follows it ("FILE", "a|b|c", "" for none). Read from the usage lines
# ("Usage: ..." and the lines under it that start with "[" or "optivfio")
# and from the lines that start with an option ("  -o, --output DIR  text"),
# where one space separates an option from its value and two or more from
# the text. An option named in a sentence is no definition.
_optivfio_defs() {
	awk '
	function piece(t) { sub(/\.\.\.$/, "", t); sub(/\]+$/, "", t); return t }
	/^Usage:/ { usage = 1; sub(/^Usage:/, "") }
	usage && !/^Usage:/ && !/^[ \t]+(\[|optivfio )/ && !/^ +$/ && NR > 1 && !first { usage = 0 }
	usage {
		first = 0
		n = split($0, w, /[ \t]+/)
		for (i = 1; i <= n; i++) {
			t = w[i]; sub(/^\[+/, "", t)
			if (t !~ /^-/) continue
			val = ""
			if (t !~ /\]$/ && i < n && w[i + 1] !~ /^[-[|]/) val = piece(w[i + 1])
			k = split(piece(t), alt, /\|/)
			for (a = 1; a <= k; a++) if (alt[a] ~ /^--?[a-z0-9][a-z0-9-]*$/) print alt[a] "\t" val
		}
		next
	}
	/^ +-/ {
		line = $0; sub(/^ +/, "", line)
		while (match(line, /^--?[a-z0-9][a-z0-9-]*/)) {
			opt = substr(line, 1, RLENGTH); line = substr(line, RLENGTH + 1); val = ""
			if (match(line, /^ [^ -][^ ,]*/)) {
				val = substr(line, 2, RLENGTH - 1); line = substr(line, RLENGTH + 1)
			}
			print opt "\t" val
			if (line !~ /^, -/) break
			line = substr(line, 3)
		}
	}'
}

# Every option a help defines; -o is --output in every optivfio command
# (some helps show only the short form).
_optivfio_options() {
	_optivfio_defs | cut -f1 | sed 's/^-o$/-o\n--output/' | sort -u
}

# The values of option $1: the lower-case words of "a|b|c", or of "--opt
# word" on one line each (rom dump --from).
_optivfio_values() {
	_optivfio_defs | awk -F '\t' -v opt="$1" '$1 == opt {
		n = split($2, v, /\|/)
		for (i = 1; i <= n; i++) if (v[i] ~ /^[a-z0-9][a-z0-9.-]*$/) print v[i]
	}' | sort -u
}

# Whether option $1 takes a value (FILE, DIR, a|b).
_optivfio_takes_value() {
	[[ $1 == -o ]] && return 0
	_optivfio_defs | awk -F '\t' -v opt="$1" '$1 == opt && $2 != "" { found = 1 } END { exit !found }'
}

_optivfio() {
	local cur prev cmd="" sub="" i ci help words values root
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}

	# The command is the first word that is not an option or its value.
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--root) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	ci=$i

	if [[ -z $cmd ]]; then
		if [[ $prev == --root ]]; then
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -d -- "$cur"))
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$_optivfio_globals --help --version -h" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(optivfio --help 2>/dev/null |
				sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')" -- "$cur"))
		fi
		return
	fi

	# An action ("rom info|strip|dump") as the command list spells it.
	local subs
	subs=$(optivfio --help 2>/dev/null | sed -n "s/^  $cmd \([a-z][a-z|-]*\) .*/\1/p" | tr '|' ' ')
	if [[ -n $subs ]]; then
		for ((i = ci + 1; i < COMP_CWORD; i++)); do
			case ${COMP_WORDS[i]} in
			--root) ((i++)) ;;
			-*) ;;
			*) sub=${COMP_WORDS[i]}; break ;;
			esac
		done
		if [[ -z $sub && $cur != -* ]]; then
			COMPREPLY=($(compgen -W "$subs" -- "$cur"))
			return
		fi
	fi
	help=$(optivfio "$cmd" $sub --help 2>/dev/null)

	case $prev in
	--root)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--gpu)
		root=$(_optivfio_root)
		COMPREPLY=($(compgen -W "$(ls "$root/sys/bus/pci/devices" 2>/dev/null)" -- "$cur"))
		return ;;
	--domain)
		COMPREPLY=($(compgen -W "$(virsh list --all --name 2>/dev/null)" -- "$cur"))
		return ;;
	-*)
		values=$(_optivfio_values "$prev" <<<"$help")
		if [[ -n $values ]]; then
			COMPREPLY=($(compgen -W "$values" -- "$cur"))
			return
		fi
		if _optivfio_takes_value "$prev" <<<"$help"; then
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -f -- "$cur"))
			return
		fi ;;
	esac

	if [[ $cur == -* ]]; then
		# Every command answers --help; the global options work after any.
		words=$(printf '%s\n' $(_optivfio_options <<<"$help") $_optivfio_globals --help | sort -u)
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return
	fi
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -f -- "$cur"))
}

complete -F _optivfio optivfio
