using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace VulnPlatform.Disclosure.Cve;

/// <summary>Section <c>Disclosure:Cve</c>: the CNA's identity and, when <see cref="ServicesUrl"/> is set, the CVE Services API account.</summary>
public sealed class CveOptions
{
    public const string Section = "Disclosure:Cve";

    /// <summary>The CNA's organisation id at the CVE Program (providerMetadata.orgId of its records).</summary>
    public Guid OrgId { get; set; } = Guid.Empty;
    /// <summary>The CVE Services API (e.g. https://cveawg.mitre.org/api/); empty: CVE ids are entered by hand.</summary>
    public string? ServicesUrl { get; set; }
    public string? ShortName { get; set; }
    public string? User { get; set; }
    public string? ApiKey { get; set; }
}

/// <summary>A CVE Numbering Authority's two operations the platform needs: reserve an id, publish a record's CNA container.</summary>
public interface ICveNumbering
{
    /// <summary>False when ids are entered by hand (the default).</summary>
    bool CanReserve { get; }

    Task<string> ReserveAsync(int year, CancellationToken cancellationToken);

    /// <summary>Publishes (or, with <paramref name="update"/>, updates) the record of <paramref name="cveId"/>; returns false when records are submitted by hand.</summary>
    Task<bool> PublishAsync(string cveId, JsonObject cnaContainer, bool update, CancellationToken cancellationToken);
}

/// <summary>Ids typed in by coordinators (format-checked, unique across advisories); records offered for download to submit by hand.</summary>
public sealed class ManualCveNumbering : ICveNumbering
{
    public bool CanReserve => false;

    public Task<string> ReserveAsync(int year, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("CVE ids are entered by hand: configure Disclosure:Cve:ServicesUrl to reserve them.");

    public Task<bool> PublishAsync(string cveId, JsonObject cnaContainer, bool update, CancellationToken cancellationToken) => Task.FromResult(false);
}

public sealed class CveServicesException(string message) : Exception(message);

/// <summary>
/// The CVE Services API (the CVE Program's REST API): <c>POST cve-id?cve_year&amp;amount=1&amp;short_name</c> reserves an id,
/// <c>POST|PUT cve/{id}/cna</c> with <c>{"cnaContainer": …}</c> publishes or updates the record; every request carries the
/// <c>CVE-API-ORG</c>, <c>CVE-API-USER</c> and <c>CVE-API-KEY</c> headers.
/// </summary>
public sealed class CveServicesClient(IHttpClientFactory clients, IOptions<CveOptions> options) : ICveNumbering
{
    public const string ClientName = "cve-services";

    public bool CanReserve => true;

    public async Task<string> ReserveAsync(int year, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var request = Request(HttpMethod.Post, $"cve-id?cve_year={year}&amount=1&short_name={Uri.EscapeDataString(settings.ShortName ?? "")}");
        using var response = await SendAsync(request, cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return body.GetProperty("cve_ids")[0].GetProperty("cve_id").GetString()
            ?? throw new CveServicesException("CVE Services answered without a CVE id.");
    }

    public async Task<bool> PublishAsync(string cveId, JsonObject cnaContainer, bool update, CancellationToken cancellationToken)
    {
        using var request = Request(update ? HttpMethod.Put : HttpMethod.Post, $"cve/{Uri.EscapeDataString(cveId)}/cna");
        request.Content = JsonContent.Create(new JsonObject { ["cnaContainer"] = cnaContainer.DeepClone() });
        using var response = await SendAsync(request, cancellationToken);
        return true;
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var settings = options.Value;
        var request = new HttpRequestMessage(method, new Uri(new Uri(settings.ServicesUrl!.TrimEnd('/') + "/"), path));
        request.Headers.Add("CVE-API-ORG", settings.ShortName);
        request.Headers.Add("CVE-API-USER", settings.User);
        request.Headers.Add("CVE-API-KEY", settings.ApiKey);
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var detail = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new CveServicesException($"CVE Services answered {(int)response.StatusCode} to {request.Method} {request.RequestUri?.AbsolutePath}: {detail[..Math.Min(detail.Length, 300)]}");
        }
        return response;
    }
}
