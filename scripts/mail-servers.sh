#!/usr/bin/env bash
# A private Postfix + Dovecot for the email tests: loopback only, own config, queue and mail
# folders under one directory, started and stopped by PID, never touching the system's
# instances (/etc/postfix and /etc/dovecot stay as they are, except one line below).
#
#   scripts/mail-servers.sh start [DIR]   # prints the FEELERS_TEST_* lines to export
#   scripts/mail-servers.sh stop  [DIR]
#
# Runs as root (postfix's master and dovecot's master need it to change to their users).
# Ports: FEELERS_MAIL_SMTP_PORT (default 10025) and FEELERS_MAIL_IMAP_PORT (default 10143).
#
# Addresses, made up per test so tests never share a mailbox:
#   <anything>@test.example            a mailbox (Maildir), created on first delivery or login
#   <user>+<tag>@test.example          delivered to <user> (recipient_delimiter = +)
#   list-<t>@lists.test.example        a mailing list: Postfix's virtual_alias_maps expands it to
#                                      alice-<t>, bob-<t>, carol-<t>, feelers-<t> (the bot) and
#                                      archive-<t> @test.example. An alias map rather than mlmmj:
#                                      the adapter needs a list that reaches members, nothing more.
# Every IMAP user logs in with the password "test-pass" (Dovecot's static passdb: per-test users
# cannot be listed in a passwd-file ahead of time).
set -euo pipefail

cmd="${1:-}"
DIR="${2:-${FEELERS_MAIL_DIR:-/tmp/feelers-mail}}"
SMTP_PORT="${FEELERS_MAIL_SMTP_PORT:-10025}"
IMAP_PORT="${FEELERS_MAIL_IMAP_PORT:-10143}"

stop_pid() {
  local file="$1"
  [ -f "$file" ] || return 0
  local pid
  pid="$(tr -d ' \n' <"$file")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
}

case "$cmd" in
stop)
  stop_pid "$DIR/postfix/queue/pid/master.pid"
  stop_pid "$DIR/dovecot/run/master.pid"
  exit 0
  ;;
start) ;;
*)
  echo "usage: $0 start|stop [DIR]" >&2
  exit 2
  ;;
esac

command -v postfix >/dev/null || { echo "postfix is not installed (apt-get install postfix)" >&2; exit 1; }
command -v dovecot >/dev/null || { echo "dovecot is not installed (apt-get install dovecot-imapd)" >&2; exit 1; }

mkdir -p "$DIR"/{postfix/etc,postfix/queue,postfix/data,mail,dovecot/run}
chmod 0755 "$DIR"
chown mail:mail "$DIR/mail"
chown postfix "$DIR/postfix/data"
PF="$DIR/postfix/etc"
cp /etc/postfix/master.cf "$PF/master.cf"
# The SMTP listener on our loopback port instead of port 25.
sed -i -E "s/^smtp( +)inet/127.0.0.1:$SMTP_PORT\1inet/" "$PF/master.cf"
cat >"$PF/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $DIR/postfix/queue
data_directory = $DIR/postfix/data
mail_owner = postfix
myhostname = mx.test.example
mydomain = test.example
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
relay_domains =
recipient_delimiter = +
virtual_mailbox_domains = test.example
# Delivery through Dovecot's LMTP: virtual(8) refuses \$1 substitutions in its mailbox map, and
# LMTP writes the Maildir Dovecot reads with the same users.
virtual_mailbox_maps = regexp:$PF/mailboxes
virtual_transport = lmtp:unix:$DIR/dovecot/run/lmtp
virtual_alias_domains = lists.test.example
virtual_alias_maps = regexp:$PF/lists
message_size_limit = 26214400
smtpd_banner = \$myhostname ESMTP
maillog_file = $DIR/postfix/maillog
maillog_file_prefixes = $DIR/postfix
default_destination_concurrency_limit = 50
# Tests send thousands of messages from one client; the anvil rate limits would slow them.
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
smtpd_error_sleep_time = 0
alias_maps =
alias_database =
EOF
# Every address of test.example has a mailbox (Dovecot makes the Maildir on first delivery).
printf '%s\n' '/^[^@]+@test\.example$/ OK' >"$PF/mailboxes"
printf '%s\n' '/^list-([a-z0-9-]+)@lists\.test\.example$/ alice-${1}@test.example, bob-${1}@test.example, carol-${1}@test.example, feelers-${1}@test.example, archive-${1}@test.example' >"$PF/lists"
# A config directory other than /etc/postfix must be named by the default one before postfix -c accepts it.
current="$(postconf -h alternate_config_directories)"
case " $current " in
*" $PF "*) ;;
*) postconf -e "alternate_config_directories = ${current:+$current }$PF" ;;
esac
# No chroot: the daemons would need copies of /etc files inside the queue directory.
postconf -c "$PF" -F '*/*/chroot = n'
postfix -c "$PF" check
stop_pid "$DIR/postfix/queue/pid/master.pid"
postfix -c "$PF" start >/dev/null 2>&1

DC="$DIR/dovecot/dovecot.conf"
cat >"$DC" <<EOF
protocols = imap lmtp
recipient_delimiter = +
lmtp_save_to_detail_mailbox = no
listen = 127.0.0.1
base_dir = $DIR/dovecot/run
state_dir = $DIR/dovecot/run/state
instance_name = feelers-test-$IMAP_PORT
log_path = $DIR/dovecot/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = $(id -u mail)
mail_uid = mail
mail_gid = mail
mail_location = maildir:$DIR/mail/%d/%n
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
passdb {
  driver = static
  args = password=test-pass
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$DIR/mail/%d/%n
}
protocol imap {
  mail_max_userip_connections = 200
}
EOF
mkdir -p "$DIR/dovecot/run/state"
stop_pid "$DIR/dovecot/run/master.pid"
dovecot -c "$DC"

for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$IMAP_PORT") 2>/dev/null; then
    echo "FEELERS_TEST_SMTP_URL=smtp://127.0.0.1:$SMTP_PORT"
    echo "FEELERS_TEST_IMAP_URL=imap://127.0.0.1:$IMAP_PORT"
    echo "FEELERS_TEST_MAIL_DIR=$DIR"
    exit 0
  fi
  sleep 0.1
done
echo "mail servers did not open ports $SMTP_PORT/$IMAP_PORT; see $DIR/postfix/maillog and $DIR/dovecot/dovecot.log" >&2
exit 1
