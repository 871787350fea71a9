using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace VulnPlatform.Testing;

/// <summary>
/// For a service's own integration tests: a local HTTP server answering the two requests a service makes
/// to learn a reporter's contact — Identity's client-credentials token endpoint and Intake's
/// <c>/internal/reports/{id}/contact</c> — as those services document them (the real ones answer in the
/// end-to-end tests). Reports it does not know are anonymous (404).
/// </summary>
public sealed class IntakeContactServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private IntakeContactServer(WebApplication app) => _app = app;

    public ConcurrentDictionary<Guid, (string? Name, string Email)> Contacts { get; } = new();

    public string Address => _app.Urls.First() + "/";

    /// <summary>While set, the contact lookup answers 503 (Intake down or overloaded).</summary>
    public bool Unavailable { get; set; }

    /// <summary>The settings that point a service's client (<paramref name="section"/>, e.g. <c>Disclosure:Client</c>) here.</summary>
    public IReadOnlyDictionary<string, string> Settings(string section) => new Dictionary<string, string>
    {
        [$"{section}:TokenEndpoint"] = Address + "connect/token", [$"{section}:IntakeAddress"] = Address, [$"{section}:Secret"] = "a-test-client-secret",
    };

    public static async Task<IntakeContactServer> StartAsync(TestTokens tokens, string clientId)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new IntakeContactServer(app);
        app.MapPost("/connect/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            return form["grant_type"] == "client_credentials" && form["client_id"] == clientId
                ? Results.Ok(new { access_token = tokens.Service(clientId, "intake", form["scope"].ToString()), token_type = "Bearer", expires_in = 600 })
                : Results.BadRequest(new { error = "invalid_client" });
        });
        app.MapGet("/internal/reports/{id:guid}/contact", (Guid id, HttpRequest request) =>
            !request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal) ? Results.Unauthorized()
            : server.Unavailable ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
            : server.Contacts.TryGetValue(id, out var contact) ? Results.Ok(new { name = contact.Name, email = contact.Email, language = "en" })
            : Results.NotFound());
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
