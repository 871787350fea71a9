using System.Net;
using System.Text.Json;

namespace VulnPlatform.Web.Gateway;

/// <summary>An API's RFC 7807 answer as a page shows it: a message per field (the API's names, e.g. <c>Product.Vendor</c>) and one for the whole form.</summary>
public sealed class Problems
{
    private readonly Dictionary<string, List<string>> _fields = new(StringComparer.OrdinalIgnoreCase);

    public string? General { get; private set; }

    /// <summary>The problem's type (<c>…/schedule-not-coordinated</c>, …), when the API gave one.</summary>
    public string? Type { get; private set; }

    /// <summary>What the API says stands in the way of a change a person may still confirm (its <c>concerns</c>).</summary>
    public IReadOnlyList<Concern> Concerns { get; private set; } = [];

    /// <summary>An instant the problem names (its <c>instant</c>), e.g. the publication instant that needs confirming.</summary>
    public DateTimeOffset? Instant { get; private set; }

    public bool Any => General is not null || _fields.Count > 0;

    public IReadOnlyList<string> For(string field) => _fields.TryGetValue(field, out var messages) ? messages : [];

    public IEnumerable<KeyValuePair<string, List<string>>> Fields => _fields;

    public void Add(string field, string message)
    {
        if (!_fields.TryGetValue(field, out var messages)) _fields[field] = messages = [];
        messages.Add(message);
    }

    public void SetGeneral(string message) => General = message;

    public sealed record Concern(string Code, string Detail, string? Vendor);

    public static async Task<Problems> ReadAsync(HttpResponseMessage response, Func<HttpStatusCode, string> describe, CancellationToken cancellationToken)
    {
        var problems = new Problems();
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if (document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errors.EnumerateObject())
                {
                    foreach (var message in field.Value.EnumerateArray()) problems.Add(field.Name, message.GetString() ?? "");
                }
            }
            problems.Type = document.RootElement.TryGetProperty("type", out var type) ? type.GetString() : null;
            problems.Instant = document.RootElement.TryGetProperty("instant", out var instant) && instant.TryGetDateTimeOffset(out var at) ? at : null;
            if (document.RootElement.TryGetProperty("concerns", out var concerns) && concerns.ValueKind == JsonValueKind.Array)
            {
                problems.Concerns = [.. concerns.EnumerateArray().Select(c => new Concern(
                    c.TryGetProperty("code", out var code) ? code.GetString() ?? "" : "", c.TryGetProperty("detail", out var text) ? text.GetString() ?? "" : "",
                    c.TryGetProperty("vendor", out var vendor) ? vendor.GetString() : null))];
            }
            if (problems._fields.Count == 0)
            {
                problems.General = document.RootElement.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 } text ? text : describe(response.StatusCode);
            }
        }
        catch (JsonException)
        {
            problems.General = describe(response.StatusCode);
        }
        return problems;
    }
}
