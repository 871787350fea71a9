using System.Net;
using System.Net.Http.Json;

namespace VulnPlatform.ServiceDefaults.Security;

/// <summary>A reporter's contact as Intake's internal endpoint answers it (asked for when needed, never stored).</summary>
public sealed record ReporterContactInfo(string? Name, string Email, string Language);

public static class ReporterContactLookup
{
    public const string Scope = "intake.contact.read";

    /// <summary>
    /// Asks Intake (<c>/internal/reports/{id}/contact</c>, with this service's token for <see cref="Scope"/>) for a reporter's
    /// contact: null when there is none (anonymous, or erased); an <see cref="HttpRequestException"/> when Intake cannot answer.
    /// </summary>
    public static async Task<ReporterContactInfo?> ReporterContactAsync(
        this ServiceTokens tokens, string clientName, Uri intake, Guid reportId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(intake, $"internal/reports/{reportId}/contact"));
        using var response = await tokens.SendAsync(clientName, request, Scope, cancellationToken);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => await response.Content.ReadFromJsonAsync<ReporterContactInfo>(cancellationToken),
            HttpStatusCode.NotFound or HttpStatusCode.Gone => null,
            _ => throw new HttpRequestException($"Intake answered {(int)response.StatusCode} to the contact lookup.", null, response.StatusCode),
        };
    }
}
