#!/usr/bin/env bash
# Make the broker files for a new site: a CA, the broker's TLS certificate, one MQTT password
# per kiosk (and one for the fleet manager), the Mosquitto password file and ACL.
#
#   config/mosquitto/make-site.sh OUT_DIR BROKER_HOSTNAME KIOSK_ID [KIOSK_ID...]
#
# OUT_DIR gets: ca.crt ca.key server.crt server.key passwd acl and credentials/<user>.env
# (FLEET_MQTT_PASSWORD=... for a kiosk, FLEET_MANAGER_PASSWORD=... for the manager).
# Copy ca.crt, server.*, passwd and acl to the broker (/etc/mosquitto/fleet/), ca.crt and
# credentials/<kiosk>.env to that kiosk only, and keep ca.key offline.
# Running it again on the same OUT_DIR keeps the CA and adds kiosks that are new.
set -euo pipefail

if [ $# -lt 3 ]; then
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
out=$1; host=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
for tool in openssl mosquitto_passwd; do
    command -v "$tool" >/dev/null || { echo "make-site: $tool not found (apt install openssl mosquitto)" >&2; exit 1; }
done
for id in "$@"; do
    if ! [[ $id =~ ^[a-z0-9][a-z0-9_-]{0,62}$ ]] || [ "$id" = fleet-manager ]; then
        echo "make-site: '$id' is not a valid kiosk id (lowercase letters, digits, - and _)" >&2
        exit 1
    fi
done

umask 077
mkdir -p "$out/credentials"
cd "$out"

if [ ! -f ca.key ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
        -subj "/CN=fleet site CA" -keyout ca.key -out ca.crt 2>/dev/null
    echo "made CA: $out/ca.crt"
fi
if [ ! -f server.key ]; then
    san="DNS:$host"
    if [[ $host =~ ^[0-9.]+$ ]]; then san="IP:$host"; fi
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -subj "/CN=$host" -keyout server.key -out server.csr 2>/dev/null
    printf 'subjectAltName=%s,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' "$san" > server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 \
        -extfile server.ext -out server.crt 2>/dev/null
    rm -f server.csr server.ext
    echo "made broker certificate for $host: $out/server.crt"
fi

add_user() {  # user env_var
    local user=$1 var=$2 file="credentials/$1.env" password
    if [ -f "$file" ]; then return; fi
    password=$(openssl rand -base64 24 | tr -d '/+=' | cut -c1-28)
    if [ -f passwd ]; then
        mosquitto_passwd -b passwd "$user" "$password"
    else
        mosquitto_passwd -c -b passwd "$user" "$password"
    fi
    printf '%s=%s\n' "$var" "$password" > "$file"
    echo "added $user: $out/$file"
}
add_user fleet-manager FLEET_MANAGER_PASSWORD
for id in "$@"; do add_user "$id" FLEET_MQTT_PASSWORD; done
cp "$here/acl" acl
chmod 644 ca.crt server.crt acl
echo "done: copy ca.crt server.crt server.key passwd acl to /etc/mosquitto/fleet/"
