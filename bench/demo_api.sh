# Sourced by the benchmark scripts: signing in to a demo server and making the bridge's api key.
# Both need $port (the server's port) set by the caller.

# The session token of a demo user (the demo's password), printed.
login() {
  curl -sf -X POST "localhost:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"siaga112demo\"}" | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])'
}

# The secret of a new api key for the PBX bridge, made with an admin's token ($1), printed.
bridge_key() {
  curl -sf -X POST "localhost:$port/api/v1/api_keys" -H "Authorization: Bearer $1" \
    -H 'Content-Type: application/json' -d '{"name":"PBX Jakarta 2024"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["secret"])'
}
