using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using VulnPlatform.Web.Gateway;

namespace VulnPlatform.Web.Components;

/// <summary>A page that reads and changes things through the platform's APIs as the signed-in person.</summary>
public abstract class ApiPage : ComponentBase
{
    [Inject] protected GatewayClient Gateway { get; set; } = null!;
    [Inject] protected IHttpContextAccessor Http { get; set; } = null!;
    [Inject] protected TimeProvider Time { get; set; } = null!;

    protected CancellationToken Aborted => Http.HttpContext!.RequestAborted;

    /// <summary>The answer's body, or null when the API refused (not found, not allowed) or is down.</summary>
    protected async Task<TResult?> GetAsync<TResult>(string path) where TResult : class
    {
        using var response = await Gateway.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), Aborted);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<TResult>(JsonSerializerOptions.Web, Aborted) : null;
    }

    /// <summary>Null when the API did it; else its problem, to show beside the form (nothing changed).</summary>
    protected async Task<Problems?> SendAsync(HttpMethod method, string path, object? body, string unavailable)
    {
        using var response = await Gateway.SendAsync(new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) }, Aborted);
        return response.IsSuccessStatusCode ? null : await Problems.ReadAsync(response, _ => unavailable, Aborted);
    }

    protected static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    protected static string Escape(string? value) => Uri.EscapeDataString(value ?? "");
}
