using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using VulnPlatform.Testing;

/// <summary>
/// Sign-in latency on Identity's pages (the password hash's cost dominates it) and what checking a
/// bearer token costs: the same route through the gateway with and without a token.
/// </summary>
static class IdentityBench
{
    private const string Password = "a long passphrase for the benchmark";

    public sealed record Result(int SignIns, double SignInP50, double SignInP99, double WithoutToken, double WithToken, int Clients, int Seconds);

    public static async Task<Result> RunAsync(BenchOptions options)
    {
        var email = $"bench{Guid.NewGuid():N}@example.org";
        using (var registering = new Browser(SubmissionLoad.CreateClient(options, followRedirects: false)))
        {
            var page = await registering.OpenAsync("/account/register");
            var done = await registering.SubmitAsync(page, new Dictionary<string, string> { ["email"] = email, ["password"] = Password, ["confirmPassword"] = Password });
            if (done.Status != HttpStatusCode.OK) throw new InvalidOperationException($"registration failed: {done.Status}");
        }

        // Sign-in latency: the POST of the sign-in form (password verification included), one at a time.
        var latencies = new List<double>();
        for (var i = 0; i < 40; i++)
        {
            using var browser = new Browser(SubmissionLoad.CreateClient(options, followRedirects: false));
            var page = await browser.OpenAsync("/account/sign-in?returnUrl=%2Faccount");
            var watch = Stopwatch.StartNew();
            var signedIn = await browser.SubmitAsync(page, new Dictionary<string, string> { ["email"] = email, ["password"] = Password });
            watch.Stop();
            if (signedIn.Address.AbsolutePath != "/account") throw new InvalidOperationException($"sign-in failed: {signedIn.Status}");
            if (i >= 5) latencies.Add(watch.Elapsed.TotalMilliseconds); // the first ones warm up
        }
        latencies.Sort();

        // A token, as a command-line client gets it.
        string accessToken;
        using (var browser = new Browser(SubmissionLoad.CreateClient(options, followRedirects: false)))
        {
            var pkce = OAuth.Pkce.New();
            const string redirect = "http://127.0.0.1:50505/callback";
            var signIn = await browser.OpenAsync(OAuth.AuthorizeUrl(OAuth.Cli, redirect, pkce, "bench"));
            await browser.SubmitAsync(signIn, new Dictionary<string, string> { ["email"] = email, ["password"] = Password });
            var (_, tokens) = await OAuth.TokenAsync(browser.Client, new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code", ["client_id"] = OAuth.Cli, ["code"] = OAuth.Query(browser.LeftTo!)["code"],
                ["redirect_uri"] = redirect, ["code_verifier"] = pkce.Verifier,
            });
            accessToken = tokens.GetProperty("access_token").GetString()!;
        }

        // The same report read by its follow-up token, with and without a bearer token beside it.
        using var submitter = SubmissionLoad.CreateClient(options);
        var created = await (await submitter.PostAsJsonAsync("/api/reports", new
        {
            kind = "vulnerability", title = "Token cost probe", description = "A report read many times.",
            product = new { vendor = "Acme", name = "Shop", version = "1" }, thirdParty = false,
            stepsToReproduce = "Read it.", impact = "None.",
        })).Content.ReadFromJsonAsync<JsonElement>();
        var number = created.GetProperty("trackingNumber").GetString();
        var followUp = created.GetProperty("followUpToken").GetString();
        const int clients = 16, seconds = 10;
        var without = await RateAsync(options, clients, seconds, () => Read(number, followUp, null));
        var with = await RateAsync(options, clients, seconds, () => Read(number, followUp, accessToken));
        return new Result(latencies.Count, Percentile(latencies, 0.50), Percentile(latencies, 0.99), without, with, clients, seconds);
    }

    private static HttpRequestMessage Read(string? number, string? followUp, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/{number}");
        request.Headers.Add("X-Follow-Up-Token", followUp);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static async Task<double> RateAsync(BenchOptions options, int clients, int seconds, Func<HttpRequestMessage> request)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        var counts = await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            using var client = SubmissionLoad.CreateClient(options);
            var done = 0;
            while (DateTime.UtcNow < until)
            {
                using var response = await client.SendAsync(request());
                if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"read failed: {response.StatusCode}");
                done++;
            }
            return done;
        }));
        return counts.Sum() / (double)seconds;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
