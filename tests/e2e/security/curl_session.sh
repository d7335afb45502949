#!/usr/bin/env bash
# The curl session of docs/security.md: with VIDEOGEN_AUTH=apikey and two users' keys, B can
# neither see nor touch A's resources on any of the five surfaces. Run it against a gateway
# started with VIDEOGEN_AUTH=apikey, after minting the two keys with the CLI:
#   BASE=http://127.0.0.1:8000 A=vg_... B=vg_... tests/e2e/security/curl_session.sh
# It prints each command (with the keys as $A and $B) and what the gateway answered.
set -euo pipefail
: "${BASE:?}" "${A:?}" "${B:?}"

show() {  # show <curl args...>: the command as typed, then the status line and the body
  local shown="curl -s"
  for arg in "$@"; do
    arg=${arg//$A/\$A}; arg=${arg//$B/\$B}; arg=${arg//$BASE/\$BASE}
    case $arg in *" "*|*'{'*|*'"'*) shown+=" '$arg'" ;; *) shown+=" $arg" ;; esac
  done
  echo "\$ $shown"
  curl -s -o /tmp/curl_session.body -w '%{http_code}' "$@" > /tmp/curl_session.status
  echo "HTTP $(cat /tmp/curl_session.status)"
  head -c 400 /tmp/curl_session.body; echo; echo
}
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
a() { curl -s -H "Authorization: Bearer $A" "$@"; }

echo "## Who is who"
show "$BASE/api/me"
show -H "Authorization: Bearer $A" "$BASE/api/me"
show -H "X-API-Key: $B" "$BASE/api/me"

echo "## Studio (doc 000)"
P=$(a -X POST "$BASE/api/v1/projects" -H 'Content-Type: application/json' \
  -d '{"topic": "How volcanoes work", "targetDuration": 2}' | json '["id"]')
echo "# A made studio project $P"
show -H "Authorization: Bearer $B" "$BASE/api/v1/projects/$P"
show -H "Authorization: Bearer $B" -X PUT "$BASE/api/v1/projects/$P" \
  -H 'Content-Type: application/json' -d '{"topic": "mine now"}'
show -H "Authorization: Bearer $B" -X DELETE "$BASE/api/v1/projects/$P"
show -H "Authorization: Bearer $B" "$BASE/api/v1/projects/$P/generation-status"
show -H "Authorization: Bearer $B" "$BASE/api/v1/projects"

echo "## Text2video (doc 004)"
T=$(a -X POST "$BASE/api/v1/generate" -H 'Content-Type: application/json' \
  -d '{"text": "A secret of A."}' | json '["job_id"]')
echo "# A started text2video job $T"
show -H "Authorization: Bearer $B" "$BASE/api/v1/status/$T"
show -H "Authorization: Bearer $B" "$BASE/api/v1/download/$T"
show -H "Authorization: Bearer $B" "$BASE/api/v1/jobs"

echo "## Aura (doc 001)"
J=$(a -X POST "$BASE/api/jobs" -H 'Content-Type: application/json' -d '{"brief": {"topic":
  "Why the sky is blue", "audience": "Students", "goal": "Explain", "tone": "Friendly",
  "language": "en", "aspect": "Widescreen16x9"}, "planSpec": {"targetDuration": "00:00:10",
  "pacing": "Conversational", "density": "Balanced"}}' | json '["jobId"]')
echo "# A started Aura job $J"
show -H "Authorization: Bearer $B" "$BASE/api/jobs/$J"
show -H "Authorization: Bearer $B" -X POST "$BASE/api/jobs/$J/cancel"
show -H "Authorization: Bearer $B" "$BASE/api/jobs/$J/events"
show -H "Authorization: Bearer $B" "$BASE/api/jobs"

echo "## Editor (doc 002)"
E=$(a -X POST "$BASE/api/project" -H 'Content-Type: application/json' \
  -d '{"name": "A cut"}' | json '["id"]')
echo "# A made editor project $E"
show -H "Authorization: Bearer $B" "$BASE/api/project/$E"
show -H "Authorization: Bearer $B" -X POST "$BASE/api/project/$E/upload" \
  -H 'Content-Type: application/json' -d '{"file_name": "x.mp4", "content_type": "video/mp4"}'
show -H "Authorization: Bearer $B" -X DELETE "$BASE/api/project/$E"
show -H "Authorization: Bearer $B" -X POST "$BASE/api/export" \
  -H 'Content-Type: application/json' -d "{\"project_id\": \"$E\", \"format\": \"mp4\"}"
show -H "Authorization: Bearer $B" "$BASE/api/project"

echo "## Manim (doc 003)"
M=$(a -X POST "$BASE/api/v1/video/agents/plan" -H 'Content-Type: application/json' \
  -d '{"topic": "Circles", "description": "short", "session_id": "a_session"}' \
  | json '["job_id"]')
echo "# A started Manim agent job $M"
show -H "Authorization: Bearer $B" "$BASE/api/v1/video/agents/jobs/$M"
show -H "Authorization: Bearer $B" -X POST "$BASE/api/v1/video/agents/implement" \
  -H 'Content-Type: application/json' \
  -d '{"topic": "Circles", "description": "short", "plan_xml": "<x/>", "session_id": "a_session"}'

echo "## A still has all of it"
for path in "api/v1/projects/$P" "api/v1/status/$T" "api/jobs/$J" "api/project/$E" "api/v1/video/agents/jobs/$M"; do
  printf '%s -> %s\n' "$path" "$(a -o /dev/null -w '%{http_code}' "$BASE/$path")"
done
