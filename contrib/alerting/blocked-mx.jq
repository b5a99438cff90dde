# blocked-mx.jq — blocked MX lookups per protected name per client: which
# mail servers tried to send mail for a protected domain to a lookalike.
#
#   jq -s -f blocked-mx.jq /var/log/typoguard/events.jsonl
#
# Output: an array, most blocked first, of
#   {"protected", "client", "blocked" (sum of the events' counts),
#    "names" (the lookalikes asked for, or the MX target for a "via" event),
#    "first", "last" (event times)}
# Lines of another schema version and truncated lines are skipped.
[ .[]
  | select(.schema == 1 and (.truncated | not)
           and .decision == "block" and .qtype == "MX") ]
| group_by([.protected, .client])
| map({protected: .[0].protected,
       client: .[0].client,
       blocked: (map(.count) | add),
       names: (map(.via // .qname) | unique),
       first: (map(.time) | min),
       last: (map(.time) | max)})
| sort_by(-.blocked, .protected, .client)
