-- wrk script: POST /checkout/<tenant>/checkouts/order, each request with the next unused cart.
-- Environment: CART_FILE (one cart id per line), WRK_THREADS, ACCESS_KEY, ACCESS_SECRET, TENANT.
local next_thread = 0

function setup(thread)
  thread:set("thread_index", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  carts = {}
  for line in io.lines(os.getenv("CART_FILE")) do
    carts[#carts + 1] = line
  end
  threads = tonumber(os.getenv("WRK_THREADS"))
  sent = 0
  path = "/checkout/" .. os.getenv("TENANT") .. "/checkouts/order"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["accessKey"] = os.getenv("ACCESS_KEY")
  wrk.headers["accessSecret"] = os.getenv("ACCESS_SECRET")
  template = '{"cartId":"%s","customer":{"email":"load@example.com","firstName":"Load","lastName":"Test"},'
    .. '"addresses":[{"contactName":"Load Test","street":"Hauptstr. 1","zipCode":"10115","city":"Berlin",'
    .. '"country":"DE","type":"SHIPPING"},{"contactName":"Load Test","street":"Hauptstr. 1","zipCode":"10115",'
    .. '"city":"Berlin","country":"DE","type":"BILLING"}],'
    .. '"shipping":{"methodId":"UPS","zoneId":"DE","methodName":"UPS Standard","amount":10.00},'
    .. '"paymentMethods":[{"provider":"payment-gateway","customAttributes":{"token":"tok_visa"}}]}'
end

function request()
  local index = thread_index + 1 + sent * threads
  sent = sent + 1
  local cart = carts[((index - 1) % #carts) + 1]
  return wrk.format("POST", path, nil, string.format(template, cart))
end
