using Microsoft.AspNetCore.Http;

namespace VulnPlatform.ServiceDefaults.Http;

/// <summary>A decider's "no", as a value: it becomes RFC 7807 problem details at the edge.</summary>
public sealed record Refusal(int Status, string Type, string Title, string Detail)
{
    public IResult ToProblem() => Results.Problem(statusCode: Status, type: Type, title: Title, detail: Detail);
}

/// <summary>What a decider returns: the events to append, or why nothing happens.</summary>
public readonly record struct Decision(IReadOnlyList<object> Events, Refusal? Refusal)
{
    public bool IsRefused => Refusal is not null;

    public static implicit operator Decision(object[] events) => new(events, null);

    public static implicit operator Decision(Refusal refusal) => new([], refusal);
}
