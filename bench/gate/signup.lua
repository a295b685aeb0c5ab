-- wrk script: POST one sign-up per request to /v1/signup (ordinary and spam mixed).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local mails = {"gmail.com", "yahoo.com", "outlook.com", "mailinator.com"}

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

function request()
  local u = math.random(1, 5000000)
  local body = string.format(
    '{"attempt_id":"a%d","device_id":"d%d","ip_prefix":"%d.%d.%d","country":"RO","email_domain":"%s","phone_country":"RO"}',
    u, math.random(1, 3000000), math.random(1, 223), math.random(0, 255), math.random(0, 255), mails[math.random(1, #mails)])
  return wrk.format(nil, nil, nil, body)
end
