#!/usr/bin/env sh
# Prints the path of a working Python 3.10 interpreter, or explains in one line why there is none.
# Why not just `python3.10`: a pyenv shim exists on PATH even when 3.10 is not the selected
# version, and then it fails; so try pyenv's own install folders first and check each candidate runs.
for candidate in \
    "${PYTHON310:-}" \
    "$(pyenv root 2>/dev/null)/versions/3.10"*/bin/python3.10 \
    "$HOME/.pyenv/versions/3.10"*/bin/python3.10 \
    "$(command -v python3.10 2>/dev/null)" \
    /usr/bin/python3.10 /usr/local/bin/python3.10; do
  [ -n "$candidate" ] && [ -x "$candidate" ] || continue
  if "$candidate" -c 'import sys, venv; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
    echo "$candidate"
    exit 0
  fi
done
echo "Python 3.10 saknas: rasa 3.6 kräver Python 3.10. Installera den (t.ex. 'pyenv install 3.10.13') eller ange PYTHON310=/sökväg/till/python3.10." >&2
exit 1
