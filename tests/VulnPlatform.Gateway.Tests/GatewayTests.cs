using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

using VulnPlatform.Testing;

namespace VulnPlatform.Gateway.Tests;

public sealed class GatewayTests : IAsyncLifetime
{
    private EchoBackend _intake = null!;
    private EchoBackend _identity = null!;
    private EchoBackend _triage = null!;
    private EchoBackend _notification = null!;
    private EchoBackend _coordination = null!;
    private EchoBackend _disclosure = null!;
    private EchoBackend _web = null!;
    private WebApplicationFactory<Program> _gateway = null!;
    private readonly TestTokens _tokens = new("https://cvd.example.org/");

    public async Task InitializeAsync()
    {
        _intake = await EchoBackend.StartAsync();
        _identity = await EchoBackend.StartAsync();
        _triage = await EchoBackend.StartAsync();
        _notification = await EchoBackend.StartAsync();
        _coordination = await EchoBackend.StartAsync();
        _disclosure = await EchoBackend.StartAsync();
        _web = await EchoBackend.StartAsync();
        _gateway = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseSetting("ReverseProxy:Clusters:intake:Destinations:intake-1:Address", _intake.Address);
            host.UseSetting("ReverseProxy:Clusters:identity:Destinations:identity-1:Address", _identity.Address);
            host.UseSetting("ReverseProxy:Clusters:triage:Destinations:triage-1:Address", _triage.Address);
            host.UseSetting("ReverseProxy:Clusters:notification:Destinations:notification-1:Address", _notification.Address);
            host.UseSetting("ReverseProxy:Clusters:vendorcoordination:Destinations:vendorcoordination-1:Address", _coordination.Address);
            host.UseSetting("ReverseProxy:Clusters:disclosure:Destinations:disclosure-1:Address", _disclosure.Address);
            host.UseSetting("ReverseProxy:Clusters:web:Destinations:web-1:Address", _web.Address);
            host.UseSetting("Gateway:RateLimits:SignInPerMinute", "2");
            host.UseSetting("Gateway:Cors:Origins:0", "https://console.cvd.example.org");
            host.ConfigureTestServices(services => _tokens.TrustedBy(services));
            host.UseSetting("RequestLimits:MaxBodyBytes", "1024");
            host.UseSetting("PublicOrigin", "https://cvd.example.org");
            host.UseSetting("Gateway:RateLimits:ReporterWritesPerMinute", "3");
            host.UseSetting("Gateway:RateLimits:ReporterReadsPerMinute", "5");
        });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _intake.DisposeAsync();
        await _identity.DisposeAsync();
        await _triage.DisposeAsync();
        await _notification.DisposeAsync();
        await _coordination.DisposeAsync();
        await _disclosure.DisposeAsync();
        await _web.DisposeAsync();
    }

    [Fact]
    public async Task Account_administration_is_refused_at_the_gateway_without_an_admin_token_and_forwarded_with_one()
    {
        var client = Https();
        var anonymous = await client.GetAsync("/api/identity/accounts");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(client, "/api/identity/accounts", _tokens.Person(Guid.NewGuid(), "reporter"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(client, "/api/identity/accounts", _tokens.Tampered(Guid.NewGuid()))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(client, "/api/identity/accounts", _tokens.Unsigned(Guid.NewGuid(), "admin"))).StatusCode);
        Assert.Empty(_identity.Requests);

        var admin = _tokens.Person(Guid.NewGuid(), "admin");
        var forwarded = await SendAsync(client, "/api/identity/accounts?page=2", admin);
        Assert.NotEqual(HttpStatusCode.Unauthorized, forwarded.StatusCode);
        Assert.Equal("/api/identity/accounts?page=2", Assert.Single(_identity.Requests).PathAndQuery);
    }

    [Fact]
    public async Task A_bad_token_is_refused_at_the_gateway_even_on_routes_open_to_anonymous_callers()
    {
        var client = Https();
        var expired = await SendAsync(client, "/api/reports/VR-2026-000001", _tokens.Expired(Guid.NewGuid(), "reporter"));
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Empty(_intake.Requests);
        var valid = await SendAsync(client, "/api/reports/VR-2026-000001", _tokens.Person(Guid.NewGuid(), "reporter"));
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Single(_intake.Requests);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string url, string token) =>
        client.SendAsync(Requests.Bearer(HttpMethod.Get, url, token));

    [Fact]
    public async Task Every_class_of_answer_carries_the_security_headers()
    {
        var client = Https();
        var answers = new List<HttpResponseMessage>
        {
            await client.GetAsync("/.well-known/security.txt"),                                              // 200
            await client.GetAsync("/api/reports/VR-2026-000001"),                                              // forwarded 200
            await SendAsync(client, "/api/identity/accounts", "not-a-token"),                                  // 401
            await client.GetAsync("/api/identity/accounts"),                                                   // 401 by policy
            await SendAsync(client, "/api/identity/accounts", _tokens.Person(Guid.NewGuid(), "reporter")),     // 403
            await client.GetAsync("/api/no/such/path"),                                                        // 404
            await client.PutAsync("/.well-known/security.txt", new StringContent("x")),                        // 405
        };
        await _identity.DisposeAsync();
        answers.Add(await SendAsync(client, "/api/identity/me", _tokens.Person(Guid.NewGuid(), "reporter")));  // 502: the service is down
        Assert.Equal([200, 200, 401, 401, 403, 404, 405, 502], answers.Select(a => (int)a.StatusCode));
        foreach (var answer in answers)
        {
            var status = (int)answer.StatusCode;
            Assert.True(answer.Headers.Contains("Strict-Transport-Security"), $"{status}: no HSTS");
            Assert.Equal("nosniff", Assert.Single(answer.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("DENY", Assert.Single(answer.Headers.GetValues("X-Frame-Options")));
            Assert.Equal("no-referrer", Assert.Single(answer.Headers.GetValues("Referrer-Policy")));
            Assert.Contains("default-src 'none'", Assert.Single(answer.Headers.GetValues("Content-Security-Policy")));
        }
    }

    [Fact]
    public async Task Cross_origin_calls_are_answered_only_for_the_configured_web_clients()
    {
        var client = Https();
        async Task<HttpResponseMessage> PreflightAsync(string origin)
        {
            var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/reports");
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
            return await client.SendAsync(preflight);
        }

        var allowed = await PreflightAsync("https://console.cvd.example.org");
        Assert.Equal("https://console.cvd.example.org", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(allowed.Headers.Contains("Access-Control-Allow-Credentials"));
        var refused = await PreflightAsync("https://evil.example");
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));

        var simple = new HttpRequestMessage(HttpMethod.Get, "/api/reports/VR-2026-000001");
        simple.Headers.Add("Origin", "https://evil.example");
        Assert.False((await client.SendAsync(simple)).Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Sign_in_and_registration_posts_have_a_small_budget_per_client()
    {
        var client = Https();
        for (var i = 0; i < 2; i++)
        {
            var allowed = await client.PostAsync("/account/sign-in", new FormUrlEncodedContent([]));
            Assert.NotEqual(HttpStatusCode.TooManyRequests, allowed.StatusCode);
        }
        var refused = await client.PostAsync("/account/register", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.Contains("Retry-After"));
        Assert.Equal(2, _identity.Requests.Count);
        // Reading the pages is not limited by the sign-in budget.
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await client.GetAsync("/account/sign-in")).StatusCode);
    }

    private HttpClient Https() => _gateway.CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri("https://localhost"),
        AllowAutoRedirect = false,
    });

    [Fact]
    public async Task Report_routes_reach_intake_with_the_callers_trace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/VR-2026-000001?x=1");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        var response = await Https().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (method, path, traceParent) = Assert.Single(_intake.Requests);
        Assert.Equal("GET", method);
        Assert.Equal("/api/reports/VR-2026-000001?x=1", path);
        Assert.Equal(traceId.ToString(), traceParent!.Split('-')[1]);
    }

    [Fact]
    public async Task The_collection_route_itself_is_routed_too()
    {
        var response = await Https().PostAsJsonAsync("/api/reports", new { title = "t" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("POST", "/api/reports"), _intake.Requests.Select(r => (r.Method, r.PathAndQuery)).Single());
    }

    [Fact]
    public async Task Plain_http_only_redirects_to_https()
    {
        var http = _gateway.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("http://localhost"),
            AllowAutoRedirect = false,
        });

        var response = await http.PostAsJsonAsync("/api/reports", new { title = "t" });

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("https://cvd.example.org/api/reports", response.Headers.Location?.ToString());
        Assert.Empty(_intake.Requests);
    }

    [Fact]
    public async Task A_forged_host_header_changes_neither_redirects_nor_security_txt()
    {
        var http = _gateway.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://evil.example"), AllowAutoRedirect = false });
        var redirect = await http.GetAsync("/api/reports/VR-2026-000001");
        var securityTxt = await _gateway.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://evil.example") })
            .GetStringAsync("/.well-known/security.txt");

        Assert.Equal("https://cvd.example.org/api/reports/VR-2026-000001", redirect.Headers.Location?.ToString());
        Assert.DoesNotContain("evil.example", securityTxt);
    }

    [Fact]
    public async Task An_oversized_post_over_plain_http_only_gets_the_redirect()
    {
        var http = _gateway.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost"), AllowAutoRedirect = false });
        using var body = new ByteArrayContent(new byte[8192]);
        body.Headers.ContentType = new("application/json");

        var response = await http.PostAsync("/api/reports", body);

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Refusals_by_the_body_limit_and_the_rate_limiter_carry_the_security_headers()
    {
        using var body = new ByteArrayContent(new byte[4096]);
        body.Headers.ContentType = new("application/json");
        var tooLarge = await Https().PostAsync("/api/reports", body);
        HttpResponseMessage last = null!;
        for (var i = 0; i < 6; i++) last = await Https().GetAsync("/api/reports/VR-2026-000001");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, last.StatusCode);
        foreach (var response in new[] { tooLarge, last })
        {
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.True(response.Headers.Contains("Strict-Transport-Security"));
            Assert.False(response.Headers.Contains("Server"));
        }
    }

    [Fact]
    public async Task A_request_header_with_non_ascii_characters_gets_a_400_problem_not_a_502()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/VR-2026-000001");
        request.Headers.TryAddWithoutValidation("User-Agent", "ü-browser");
        request.Headers.TryAddWithoutValidation("Accept-Language", "zh-CN,中文");

        var response = await Https().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(_intake.Requests);
    }

    [Fact]
    public async Task Gateway_readiness_reflects_whether_the_services_it_routes_to_answer()
    {
        var ready = await Https().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        await _intake.DisposeAsync();
        var notReady = await Https().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Contains("backends", await notReady.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Gateway_readiness_is_degraded_naming_the_instance_and_check_while_a_service_is_not_fully_healthy()
    {
        _intake.Readiness = """{"status":"Degraded","checks":[{"name":"npgsql","status":"Healthy"},{"name":"masstransit-bus","status":"Unhealthy"}]}""";
        try
        {
            var degraded = await Https().GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, degraded.StatusCode); // still routed to: the service answers
            var report = await degraded.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Degraded", report.GetProperty("status").GetString());
            var backends = report.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "backends");
            Assert.Contains("masstransit-bus Unhealthy", backends.GetProperty("description").GetString());
            Assert.DoesNotContain("npgsql", backends.GetProperty("description").GetString());
        }
        finally
        {
            _intake.Readiness = null;
        }
        var healthy = await (await Https().GetAsync("/health/ready")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", healthy.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Https_answers_carry_hsts_and_security_headers()
    {
        var response = await Https().GetAsync("/api/reports/VR-2026-000001");

        Assert.Equal("max-age=31536000; includeSubDomains", response.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_before_it_reaches_a_service()
    {
        using var body = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new { description = new string('a', 2000) }));
        body.Headers.ContentType = new("application/json");

        var response = await Https().PostAsync("/api/reports", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(_intake.Requests);
    }

    [Fact]
    public async Task Attachment_uploads_get_their_own_larger_body_limit()
    {
        using var body = new ByteArrayContent(new byte[4096]);
        body.Headers.ContentType = new("multipart/form-data") { Parameters = { new("boundary", "b") } };

        var upload = await Https().PostAsync("/api/reports/VR-2026-000001/attachments", body);
        var elsewhere = await Https().PostAsync("/api/reports/VR-2026-000001/messages", body);

        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, elsewhere.StatusCode);
        Assert.Equal("/api/reports/VR-2026-000001/attachments", Assert.Single(_intake.Requests).PathAndQuery);
    }

    [Fact]
    public async Task Internal_endpoints_of_services_are_not_reachable_through_the_gateway()
    {
        var response = await Https().GetAsync($"/internal/reports/{Guid.NewGuid()}/contact");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(_intake.Requests);
    }

    [Fact]
    public async Task Security_txt_tells_researchers_where_to_report_and_has_not_expired()
    {
        var response = await Https().GetAsync("/.well-known/security.txt");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var fields = (await response.Content.ReadAsStringAsync())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(": ", 2))
            .ToLookup(pair => pair[0], pair => pair[1]);
        Assert.Contains("mailto:security@example.org", fields["Contact"]);
        var expires = DateTimeOffset.Parse(fields["Expires"].Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(366));
        Assert.Equal("en, zh-CN", fields["Preferred-Languages"].Single());
        Assert.Equal("https://cvd.example.org/.well-known/security.txt", fields["Canonical"].Single());
        Assert.Empty(_intake.Requests);
    }

    [Fact]
    public async Task A_client_that_floods_submissions_is_told_to_wait_and_nothing_more_reaches_intake()
    {
        var client = Https();
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await client.PostAsJsonAsync("/api/reports", new { title = $"spam {i}" }));
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests],
            answers.Select(a => a.StatusCode));
        Assert.Equal(3, _intake.Requests.Count);
        var refused = answers[^1];
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single()), 1, 60);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://vulnplatform.dev/problems/too-many-requests", problem.GetProperty("type").GetString());

        // Reading has its own, larger budget.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/reports/VR-2026-000001")).StatusCode);
    }

    [Fact]
    public void Trusted_proxies_are_addresses_or_whole_networks_and_loopback_is_always_one()
    {
        using var gateway = _gateway.WithWebHostBuilder(host =>
        {
            host.UseSetting("Gateway:TrustedProxies:0", "10.244.0.0/16");
            host.UseSetting("Gateway:TrustedProxies:1", "192.0.2.10");
        });
        var options = gateway.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>>().Value;
        Assert.Contains(options.KnownIPNetworks, n => n.Contains(System.Net.IPAddress.Parse("10.244.7.9")));
        Assert.DoesNotContain(options.KnownIPNetworks, n => n.Contains(System.Net.IPAddress.Parse("10.245.0.1")));
        Assert.Contains(System.Net.IPAddress.Parse("192.0.2.10"), options.KnownProxies);
        Assert.True(options.KnownIPNetworks.Any(n => n.Contains(System.Net.IPAddress.Loopback)) || options.KnownProxies.Contains(System.Net.IPAddress.Loopback));
        Assert.Equal(Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor, options.ForwardedHeaders);
    }

    [Fact]
    public async Task Pages_go_to_the_web_client_but_unknown_api_and_internal_paths_go_nowhere()
    {
        var page = await Https().GetAsync("/report?kind=fraud");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(_web.Requests, r => r.PathAndQuery == "/report?kind=fraud");

        foreach (var path in new[] { "/api/no-such-service/x", "/internal/reports/00000000-0000-0000-0000-000000000001/contact", "/health/anything" })
        {
            var response = await Https().GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.DoesNotContain(_web.Requests, r => r.PathAndQuery.StartsWith("/api/", StringComparison.Ordinal) || r.PathAndQuery.StartsWith("/internal/", StringComparison.Ordinal)
            || r.PathAndQuery.StartsWith("/health/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_paths_are_not_forwarded_and_get_a_problem()
    {
        var response = await Https().GetAsync("/internal/admin");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Empty(_intake.Requests);
    }
}
