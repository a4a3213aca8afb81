#!/usr/bin/env bash
# whm2fa installer: ./install.sh [--root DIR] [--node PATH] [--tool-timeout SECONDS] [--uninstall [--purge]] [--yes]
#
# Installs (or upgrades in place) whm2fa into a cPanel & WHM server. Every server path is
# taken under DIR (default /), so the tests and the local WHM install into a tree exactly
# as on a server. Registration goes through cPanel's own tools only.
#
# Exit codes: 0 done, 2 usage, 3 not root, 4 cPanel not found, 5 no suitable Node.js,
# 6 this package is incomplete (run `npm run build` in a checkout), 7 cPanel refused a
# registration step.
set -euo pipefail
umask 022

NAME=whm2fa
MIN_NODE_MAJOR=18
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

root=/
node=""
uninstall=0
purge=0
yes=0
tool_timeout=""

usage() {
  cat <<'USAGE'
Usage: ./install.sh [--root DIR] [--node PATH] [--tool-timeout SECONDS] [--uninstall [--purge]] [--yes]

  --root DIR     install into the server tree at DIR (default: /)
  --node PATH    use this Node.js (18 or newer) instead of finding one
  --tool-timeout SECONDS
                 how long whm2fa waits for one of cPanel's tools (1-600, default 20);
                 kept in the settings file (whm2fa config set tool_timeout), so an
                 upgrade without it keeps the value set before
  --uninstall    unregister whm2fa and remove its files (its saved state is kept)
  --purge        with --uninstall: also delete whm2fa's state and audit log
  --yes          do not ask for confirmation
USAGE
}

die() { # code message...
  local code=$1
  shift
  printf 'install.sh: %s\n' "$*" >&2
  exit "$code"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --root) [ $# -ge 2 ] || die 2 "--root needs a directory"; root=$2; shift 2 ;;
    --root=*) root=${1#--root=}; shift ;;
    --node) [ $# -ge 2 ] || die 2 "--node needs a path"; node=$2; shift 2 ;;
    --node=*) node=${1#--node=}; shift ;;
    --tool-timeout) [ $# -ge 2 ] || die 2 "--tool-timeout needs a number of seconds"; tool_timeout=$2; shift 2 ;;
    --tool-timeout=*) tool_timeout=${1#--tool-timeout=}; shift ;;
    --uninstall) uninstall=1; shift ;;
    --purge) purge=1; shift ;;
    --yes|-y) yes=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die 2 "unknown option: $1" ;;
  esac
done
[ "$purge" -eq 0 ] || [ "$uninstall" -eq 1 ] || die 2 "--purge goes with --uninstall"
if [ -n "$tool_timeout" ]; then
  case "$tool_timeout" in *[!0-9]*) die 2 "--tool-timeout takes whole seconds from 1 to 600" ;; esac
  [ "$tool_timeout" -ge 1 ] && [ "$tool_timeout" -le 600 ] || die 2 "--tool-timeout takes whole seconds from 1 to 600"
fi
[ -d "$root" ] || die 2 "--root $root is not a directory"
root=$(cd "$root" && pwd)
# Server paths under the root ("/" gives plain absolute paths).
at() { if [ "$root" = / ]; then printf '/%s' "$1"; else printf '%s/%s' "$root" "$1"; fi; }

if [ "$root" = / ] && [ "$(id -u)" -ne 0 ]; then
  die 3 "run this as root (WHM plugins and cPanel's 2FA data are root's)"
fi

bin=$(at usr/local/cpanel/bin)
[ -x "$bin/register_appconfig" ] || die 4 "cPanel & WHM was not found under $root (no $bin/register_appconfig)"

program_dir=$(at usr/local/cpanel/3rdparty/$NAME)
cgi_dir=$(at usr/local/cpanel/whostmgr/docroot/cgi/$NAME)
icon=$(at usr/local/cpanel/whostmgr/docroot/addon_plugins/$NAME.png)
state_dir=$(at var/cpanel/$NAME)
cli_link=$(at usr/local/sbin/$NAME)
hook_script=$program_dir/$NAME-hook

# --- Node.js: --node, else cPanel's passenger setting, else the newest ea-nodejs, else /usr/bin/node ---
node_major() { "$1" -e 'process.stdout.write(String(process.versions.node.split(".")[0]))' 2>/dev/null || echo 0; }
find_node() {
  local passenger candidate
  passenger=$(at etc/cpanel/ea4/passenger.nodejs)
  if [ -f "$passenger" ]; then
    candidate=$(head -n 1 "$passenger" | tr -d '[:space:]')
    for c in "$(at "${candidate#/}")" "$candidate"; do
      [ -n "$candidate" ] && [ -x "$c" ] && { echo "$c"; return; }
    done
  fi
  for c in $(ls -d "$(at opt/cpanel)"/ea-nodejs*/bin/node 2>/dev/null | sort -V -r); do
    [ -x "$c" ] && { echo "$c"; return; }
  done
  [ -x "$(at usr/bin/node)" ] && { at usr/bin/node; return; }
  echo ""
}

# --- The account hooks (docs/cpanel.md, "Standardized Hooks") ---
# cPanel's describe-mode delete removes a registered hook only if every attribute the
# script describes now is the registered one, and its add skips a stage and path already
# registered: once a release changes, say, escalateprivs, neither touches the old
# registration. So whm2fa's hooks are deleted one by one by category, event, stage and
# path (--manual): each one the hook script describes, and each one `manage_hooks list`
# shows for its path (an event an older release had). The script below reads both as JSON
# and prints "category<TAB>event<TAB>stage" lines; output it cannot read adds nothing.
hook_stages_js='
const [hook, described] = process.argv.slice(1);
const read = (text) => { try { const v = JSON.parse(text); return Array.isArray(v) ? v : []; } catch { return []; } };
const listed = read(require("fs").readFileSync(0, "utf8")).filter((h) => h && h.hook === hook);
const lines = new Set();
for (const h of [...read(described), ...listed]) {
  const key = [h && h.category, h && h.event, h && h.stage];
  if (key.every((v) => typeof v === "string" && /^[^\t\n]+$/.test(v))) lines.add(key.join("\t"));
}
for (const line of lines) process.stdout.write(line + "\n");
'
delete_hooks() { # node (none: cPanel's own prune drops hooks whose script is gone, at its next update)
  local listed described category event stage
  [ -n "$1" ] && [ -x "$1" ] || return 0
  listed=$("$bin/manage_hooks" list 2>/dev/null) || listed=''
  described=$("$hook_script" --describe 2>/dev/null) || described=''
  while IFS=$'\t' read -r category event stage; do
    "$bin/manage_hooks" delete script "$hook_script" --manual --category="$category" --event="$event" --stage="$stage" >/dev/null 2>&1 || true
  done < <(printf '%s' "$listed" | "$1" -e "$hook_stages_js" "$hook_script" "$described" 2>/dev/null || true)
}

unregister_all() {
  local hook_node=$node listed
  # The Node.js the installed hook starts (its shebang), else the one install.sh would find.
  [ -n "$hook_node" ] || hook_node=$(sed -n '1s/^#!//p' "$hook_script" 2>/dev/null || true)
  [ -x "$hook_node" ] || hook_node=$(find_node)
  delete_hooks "$hook_node"
  listed=$("$bin/manage_hooks" list 2>/dev/null) || listed=''
  case "$listed" in
    *"$hook_script"*) echo "Note: cPanel still lists hooks of $hook_script: delete them in WHM's Manage Hooks page." ;;
  esac
  if [ -f "$(at var/cpanel/apps/$NAME.conf)" ]; then
    "$bin/unregister_appconfig" "$NAME" >/dev/null || die 7 "unregister_appconfig refused to remove $NAME"
  fi
}

if [ "$uninstall" -eq 1 ]; then
  if [ "$purge" -eq 1 ] && [ "$yes" -eq 0 ]; then
    if [ -t 0 ]; then
      printf 'This deletes whm2fa state and audit log in %s. Type yes to go on: ' "$state_dir"
      read -r answer
      [ "$answer" = yes ] || die 2 "nothing was removed"
    else
      die 2 "--purge deletes the audit log: add --yes to confirm"
    fi
  fi
  unregister_all
  rm -rf "$cgi_dir" "$program_dir"
  rm -f "$icon" "$cli_link"
  if [ "$purge" -eq 1 ]; then
    rm -rf "$state_dir"
    echo "whm2fa removed, with its state and audit log."
  else
    echo "whm2fa removed. Its state and audit log stay in $state_dir (remove them with --uninstall --purge)."
  fi
  echo "Accounts keep the 2FA they have in cPanel; manage it in WHM's own Two-Factor Authentication page."
  exit 0
fi

# --- What this package holds (a release tarball, or a checkout after npm run build) ---
dist=$here/dist
for f in VERSION plugin/api.js plugin/index.js plugin/hook.js plugin/cli.js plugin/vendor-otplib.js plugin/vendor-otplib-crypto.js plugin/vendor-qrcode.js plugin/whm2fa.conf plugin/whm2fa.png frontend/app.js frontend/app.css; do
  [ -f "$dist/$f" ] || die 6 "missing $dist/$f: this package is incomplete (in a checkout, run npm run build first)"
done

# --- Node.js (find_node above) ---
if [ -z "$node" ]; then node=$(find_node); fi
[ -n "$node" ] || die 5 "no Node.js found. Install one with: dnf install ea-nodejs22 (AlmaLinux/Rocky) or apt install ea-nodejs22 (Ubuntu), then run this again (or pass --node PATH)"
[ -x "$node" ] || die 5 "--node $node is not an executable"
case "$node" in /*) ;; *) node=$(cd "$(dirname "$node")" && pwd)/$(basename "$node") ;; esac
major=$(node_major "$node")
[ "$major" -ge "$MIN_NODE_MAJOR" ] 2>/dev/null || die 5 "$node is Node.js $major; whm2fa needs $MIN_NODE_MAJOR or newer. Install one with: dnf install ea-nodejs22 (or apt install ea-nodejs22)"

version=$(tr -d '[:space:]' <"$dist/VERSION")

# --- Files: each written beside its target and renamed into place, so a request never runs a half-copied file ---
put() { # mode source target
  local tmp="$3.installing.$$"
  cp "$2" "$tmp"
  chmod "$1" "$tmp"
  mv -f "$tmp" "$3"
}
put_text() { # mode target text
  local tmp="$2.installing.$$"
  printf '%s\n' "$3" >"$tmp"
  chmod "$1" "$tmp"
  mv -f "$tmp" "$2"
}
# A wrapper is Node's own require of its bundle and one call to its main, with the server
# root fixed at install time (docs/decisions/code-cache.md says why there is no loader of our own).
wrapper() { # bundle [extra] [node option]
  printf '#!%s%s\n// whm2fa %s: written by install.sh; the server root and Node.js are fixed at install time.\nrequire(%s).main({ root: %s%s });\n' \
    "$node" "${3:-}" "$version" "\"$program_dir/$1.js\"" "\"$root\"" "${2:-}"
}

mkdir -p "$program_dir" "$cgi_dir" "$(dirname "$icon")" "$(dirname "$cli_link")"
chmod 0755 "$program_dir" "$cgi_dir"
mkdir -p "$state_dir"
chmod 0700 "$state_dir"

# Files of earlier releases that are gone: V8 code caches and their writer.
rm -f "$program_dir"/*.cache "$program_dir"/*.cache.writing.* "$program_dir/code-cache.js"
rm -rf "$program_dir"/.warm-up-*
for b in api index hook cli vendor-otplib vendor-otplib-crypto vendor-qrcode; do put 0644 "$dist/plugin/$b.js" "$program_dir/$b.js"; done
for extra in "$dist"/plugin/*.LEGAL.txt; do [ -f "$extra" ] && put 0644 "$extra" "$program_dir/$(basename "$extra")"; done
put 0644 "$dist/plugin/whm2fa.conf" "$program_dir/whm2fa.conf"
[ -f "$here/LICENSE" ] && put 0644 "$here/LICENSE" "$program_dir/LICENSE"
# Releases before the settings file kept the tool timeout in install.json: carried over
# once, unless --tool-timeout names one or the settings file already has one.
if [ -z "$tool_timeout" ] && ! grep -q '^[[:space:]]*tool_timeout[[:space:]]*=' "$state_dir/settings.conf" 2>/dev/null; then
  tool_timeout=$(sed -n 's/.*"toolTimeoutSeconds": *\([0-9][0-9]*\).*/\1/p' "$program_dir/install.json" 2>/dev/null || true)
  { [ -n "$tool_timeout" ] && [ "$tool_timeout" -ge 1 ] && [ "$tool_timeout" -le 600 ] && [ "$tool_timeout" != 20 ]; } || tool_timeout=""
fi
put_text 0644 "$program_dir/install.json" "{\"version\": \"$version\", \"node\": \"$node\", \"root\": \"$root\"}"
put_text 0755 "$hook_script" "$(wrapper hook ', argv: process.argv.slice(2)')"
put_text 0755 "$program_dir/$NAME" "$(wrapper cli ', argv: process.argv.slice(2)')"
put_text 0755 "$cli_link" "$(wrapper cli ', argv: process.argv.slice(2)')"
# api.cgi alone starts Node with a larger young generation (one option: Linux passes the
# rest of a #! line as one argument): a page of Manage Users over 10,000 accounts otherwise
# costs two to five garbage collections, each waiting on V8's helper threads
# (docs/decisions/young-generation.md).
put_text 0755 "$cgi_dir/api.cgi" "$(wrapper api '' ' --min-semi-space-size=2')"
put_text 0755 "$cgi_dir/index.cgi" "$(wrapper index)"
put 0644 "$dist/frontend/app.js" "$cgi_dir/app.js"
put 0644 "$dist/frontend/app.css" "$cgi_dir/app.css"
# The page's other files carry a content hash: the release's own replace the last one's.
rm -f "$cgi_dir"/page-*.js
for f in "$dist"/frontend/page-*.js; do
  [ -f "$f" ] && put 0644 "$f" "$cgi_dir/$(basename "$f")"
done
# The page's words in each language but English (which app.js holds): fetched only by a page in that language.
rm -f "$cgi_dir"/locale-*.js
for f in "$dist"/frontend/locale-*.js; do
  [ -f "$f" ] && put 0644 "$f" "$cgi_dir/$(basename "$f")"
done
# The server's words (API messages, mails) in each language but English: read only for a request or mail in it.
rm -rf "$program_dir/locales"
for d in "$dist"/plugin/locales/*/; do
  [ -d "$d" ] || continue
  mkdir -p "$program_dir/locales/$(basename "$d")"
  for f in "$d"*.json; do [ -f "$f" ] && put 0644 "$f" "$program_dir/locales/$(basename "$d")/$(basename "$f")"; done
done
put 0644 "$dist/plugin/whm2fa.png" "$icon"
if [ "$(id -u)" -eq 0 ]; then
  chown -R 0:0 "$program_dir" "$cgi_dir" "$state_dir" "$icon" "$cli_link" 2>/dev/null || true
fi

# The settings file (/var/cpanel/whm2fa/settings.conf) is whm2fa's state: an upgrade keeps
# it as it is; only --tool-timeout (or the value carried over above) changes it, through
# the same command a config tool uses.
if [ -n "$tool_timeout" ]; then
  "$program_dir/$NAME" config set tool_timeout "$tool_timeout" >/dev/null || die 2 "could not save --tool-timeout $tool_timeout in the settings file (whm2fa config check says why)"
fi

# --- Registration through cPanel's tools (never by writing /var/cpanel/apps) ---
out=$("$bin/register_appconfig" "$program_dir/whm2fa.conf" 2>&1) || die 7 "register_appconfig refused whm2fa.conf: $out"
# cPanel skips a stage and path that is already registered, so changed attributes (say,
# escalateprivs) would never take effect on an upgrade: delete (delete_hooks above), then
# add from --describe.
delete_hooks "$node"
out=$("$bin/manage_hooks" add script "$hook_script" 2>&1) || die 7 "manage_hooks could not add the account hooks: $out"
# Take (or refresh) whm2fa's view of cPanel's 2FA store, so changes made in cPanel's own
# pages from now on are recorded in Activity. A failure here is not fatal: it is retried
# on the next Activity read.
"$program_dir/$NAME" sync >/dev/null 2>&1 || echo "Note: whm2fa could not read cPanel's 2FA store yet; run: whm2fa doctor"

echo "whm2fa $version installed under $root with Node.js $major ($node)."
echo "Resellers and root find it in WHM under Plugins > Two-Factor Authentication."
policy=off
grep -q '^SecurityPolicy::TwoFactorAuth=1' "$(at var/cpanel/cpanel.config)" 2>/dev/null && policy=on
if [ "$policy" = off ]; then
  echo
  echo "Note: cPanel's two-factor login policy is OFF, so logins do not ask for codes yet."
  echo "Turn it on in WHM > Plugins > Two-Factor Authentication > Settings, or run:"
  echo "  whmapi1 twofactorauth_enable_policy"
fi
