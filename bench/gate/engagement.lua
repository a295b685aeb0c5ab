-- wrk script: POST batches of engagements to /v1/engagement.
-- BATCH events per request; actors, targets and devices drawn from large
-- pools so the windows look like a busy platform, with a small farm mixed in.
local batch = tonumber(os.getenv("GATE_BATCH") or "50")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local actions = {"like", "like", "like", "follow", "share", "favorite"}

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

function request()
  local parts = {}
  for i = 1, batch do
    local farm = math.random() < 0.05
    local actor, device, prefix, target
    if farm then
      actor = "farm-" .. math.random(1, 500)
      device = "farm-dev-" .. math.random(1, 20)
      prefix = "45.140." .. math.random(1, 4)
      target = "cand-" .. math.random(1, 30)
    else
      local u = math.random(1, 2000000)
      actor = "u" .. u
      device = "d" .. u
      prefix = math.random(1, 223) .. "." .. math.random(0, 255) .. "." .. math.random(0, 255)
      target = "p" .. math.random(1, 200000)
    end
    parts[i] = string.format('{"actor_id":"%s","action":"%s","target_id":"%s","device_id":"%s","ip_prefix":"%s","country":"RO"}',
      actor, actions[math.random(1, #actions)], target, device, prefix)
  end
  return wrk.format(nil, nil, nil, '{"events":[' .. table.concat(parts, ",") .. ']}')
end
