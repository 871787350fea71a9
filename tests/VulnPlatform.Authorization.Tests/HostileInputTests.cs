using System.Text;
using Xunit.Abstractions;
using VulnPlatform.Testing;

namespace VulnPlatform.Authorization.Tests;

/// <summary>
/// Every route of the authorization matrix, as every caller it lets through, with hostile input:
/// paging at the edges of an int, malformed and mistyped bodies, absurd dates, return addresses with
/// line breaks, path values no route expects. Bad input is answered with a 4xx (problem details on the
/// APIs); nothing gets a 500.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class HostileInputTests(PlatformFixture platform, ITestOutputHelper output)
{
    private static readonly string[] Queries =
    [
        "?page=2147483647", "?page=2147483647&pageSize=2147483647", "?page=-1&pageSize=-1", "?page=0", "?page=x&pageSize=y",
        "?sort=%00&state=%FF&overdue=maybe", "?returnUrl=%2F%0D%0ASet-Cookie:%20x%3D1", "?returnUrl=%2F%E6%8A%A5%E5%91%8A", "?returnUrl=%2F%09%2Fevil.example",
        "?culture=%00&returnUrl=" + new string('a', 9000), "?vector=CVSS:3.1/AV:N/AV:L", "?trackingNumber=" + new string('9', 500),
    ];

    private static readonly string[] Bodies =
    [
        "null", "{}", "[]", "\"text\"", "42", "{", "{\"a\":", "\u0000", new string('[', 2000) + new string(']', 2000),
        "{\"roles\":null,\"email\":null,\"title\":null,\"summary\":null,\"products\":null,\"text\":null,\"reason\":null}",
        "{\"roles\":[null],\"products\":[null],\"securityContacts\":[null],\"eventTypes\":[null],\"cveIds\":[null],\"statements\":[null],\"references\":[null]}",
        "{\"title\":1,\"summary\":{},\"products\":\"x\",\"roles\":\"admin\",\"page\":2147483648,\"disclosureAt\":\"9999-12-31T23:59:59-12:00\"}",
        "{\"date\":\"9999-12-31\",\"time\":\"23:59\",\"timeZone\":\"Etc/GMT+12\"}", "{\"date\":\"0001-01-01\",\"time\":\"00:00\",\"timeZone\":\"Pacific/Kiritimati\"}",
        "{\"disclosureAt\":\"0001-01-01T00:00:00+14:00\",\"reason\":\"r\"}", "{\"url\":\"http://[::ffff:127.0.0.1]/\",\"eventTypes\":[\"x\"]}",
    ];

    private static readonly string[] PathValues = ["VR-2026-000001", new string('A', 600), "%E6%8A%A5", "..%2F..%2Fetc"];

    [Fact]
    public async Task No_route_answers_hostile_input_with_a_server_error()
    {
        var failures = new List<string>();
        var requests = 0;
        foreach (var row in AuthorizationMatrixTests.Rows())
        {
            var callers = AuthorizationMatrixTests.Callers.Where((_, i) => row.Expected[i] == "ok").DefaultIfEmpty("anonymous").Take(2).ToList();
            foreach (var caller in callers)
            {
                foreach (var (path, body) in Cases(row))
                {
                    requests++;
                    var (status, type, text) = await SendAsync(Service(row.Service), row.Method, path, body, Token(caller));
                    var cell = $"{row.Method} {path[..Math.Min(path.Length, 160)]} as {caller} with {Describe(body)}";
                    if (status >= 500) failures.Add($"{cell}: {status} {text[..Math.Min(text.Length, 300)]}");
                    // A refused input says why, in the one error format of the APIs.
                    if (status is 400 or 413 or 415 or 422 && path.StartsWith("/api/") && type != "application/problem+json")
                    {
                        failures.Add($"{cell}: {status} without problem details ({type ?? "no body"})");
                    }
                }
            }
        }
        output.WriteLine($"{requests} hostile requests; {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static IEnumerable<(string Path, string? Body)> Cases(AuthorizationMatrixTests.Row row)
    {
        var sends = row.Method is "POST" or "PUT" or "PATCH";
        foreach (var value in PathValues)
        {
            var path = Fill(row.Route, value);
            if (!sends)
            {
                foreach (var query in Queries) yield return (path + query, null);
            }
            else
            {
                foreach (var body in Bodies) yield return (path, body);
                yield return (path + Queries[1], "{}");
            }
            if (!row.Route.Contains('{')) yield break; // one path is enough when nothing in it varies
        }
    }

    private static string Fill(string route, string value) => route
        .Replace("{trackingNumber}", value).Replace("{publicId}", value).Replace("{cveId}", value).Replace("{file}", value).Replace("{documentName}", value)
        .Replace("{role}", value).Replace("{year:int}", "2147483647")
        .Replace("{id:guid}", Guid.NewGuid().ToString()).Replace("{reportId:guid}", Guid.NewGuid().ToString()).Replace("{attachmentId:guid}", Guid.NewGuid().ToString())
        .Replace("{requestId:guid}", Guid.NewGuid().ToString()).Replace("{messageId:guid}", Guid.NewGuid().ToString()).Replace("{organisationId:guid}", Guid.NewGuid().ToString())
        .Replace("{**rest}", value);

    private static string Describe(string? body) => body is null ? "no body" : body.Length > 60 ? body[..60] + "…" : body;

    private async Task<(int Status, string? Type, string Text)> SendAsync(HttpClient client, string method, string path, string? body, string? token)
    {
        using var request = Requests.Bearer(method == "ANY" ? HttpMethod.Get : new HttpMethod(method), path, token,
            body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"));
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private HttpClient Service(string name) => platform.Client(name);

    private string? Token(string caller) => caller switch
    {
        "anonymous" => null,
        "reporter A" or "reporter B" => platform.Tokens.Person(Guid.NewGuid(), "reporter"),
        "vendor" => platform.Tokens.PersonWith(Guid.NewGuid(), [new System.Security.Claims.Claim("vendor_org", Guid.NewGuid().ToString())], caller),
        _ => platform.Tokens.Person(Guid.NewGuid(), caller),
    };
}
