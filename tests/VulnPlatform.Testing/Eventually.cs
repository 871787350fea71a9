namespace VulnPlatform.Testing;

public static class Eventually
{
    /// <summary>Polls until the condition holds; the caller asserts on the state afterwards.</summary>
    public static async Task<bool> HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        do
        {
            if (await condition()) return true;
            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        return false;
    }
}
