-- wrk script for benchmarks/e2e.sh --mode mcp: every request is a JSON-RPC tools/call of the load host's trivial tool
-- "hello", as a stateless MCP client sends it after initialize (protocol 2025-11-25). The Authorization header comes
-- from wrk's -H, the same bytes to both applications.
wrk.method = "POST"
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"hello","arguments":{}}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
