namespace VulnPlatform.Web.Gateway;

/// <summary>
/// The weaknesses reporters pick most often (MITRE's CWE Top 25 of 2024 and other common ones),
/// offered while typing in the CWE field; any other CWE id can be typed in full.
/// </summary>
public static class Weaknesses
{
    public static readonly IReadOnlyList<(string Id, string Name)> Common =
    [
        ("CWE-79", "Cross-site Scripting"), ("CWE-787", "Out-of-bounds Write"), ("CWE-89", "SQL Injection"),
        ("CWE-352", "Cross-Site Request Forgery"), ("CWE-22", "Path Traversal"), ("CWE-125", "Out-of-bounds Read"),
        ("CWE-78", "OS Command Injection"), ("CWE-416", "Use After Free"), ("CWE-862", "Missing Authorization"),
        ("CWE-434", "Unrestricted Upload of File with Dangerous Type"), ("CWE-94", "Code Injection"), ("CWE-20", "Improper Input Validation"),
        ("CWE-77", "Command Injection"), ("CWE-287", "Improper Authentication"), ("CWE-269", "Improper Privilege Management"),
        ("CWE-502", "Deserialization of Untrusted Data"), ("CWE-200", "Exposure of Sensitive Information"), ("CWE-863", "Incorrect Authorization"),
        ("CWE-918", "Server-Side Request Forgery"), ("CWE-119", "Improper Restriction of Operations within Memory Buffer Bounds"),
        ("CWE-476", "NULL Pointer Dereference"), ("CWE-798", "Use of Hard-coded Credentials"), ("CWE-190", "Integer Overflow or Wraparound"),
        ("CWE-400", "Uncontrolled Resource Consumption"), ("CWE-306", "Missing Authentication for Critical Function"),
        ("CWE-601", "Open Redirect"), ("CWE-611", "XML External Entity Reference"), ("CWE-639", "Authorization Bypass Through User-Controlled Key (IDOR)"),
        ("CWE-284", "Improper Access Control"), ("CWE-295", "Improper Certificate Validation"), ("CWE-319", "Cleartext Transmission of Sensitive Information"),
        ("CWE-327", "Broken or Risky Cryptographic Algorithm"), ("CWE-330", "Insufficiently Random Values"), ("CWE-384", "Session Fixation"),
        ("CWE-521", "Weak Password Requirements"), ("CWE-522", "Insufficiently Protected Credentials"), ("CWE-613", "Insufficient Session Expiration"),
        ("CWE-770", "Allocation of Resources Without Limits"), ("CWE-1021", "Clickjacking"), ("CWE-1321", "Prototype Pollution"),
        ("CWE-1333", "Inefficient Regular Expression Complexity (ReDoS)"), ("CWE-362", "Race Condition"), ("CWE-732", "Incorrect Permission Assignment"),
        ("CWE-312", "Cleartext Storage of Sensitive Information"), ("CWE-209", "Error Message Containing Sensitive Information"),
        ("CWE-307", "Improper Restriction of Excessive Authentication Attempts"), ("CWE-345", "Insufficient Verification of Data Authenticity"),
    ];
}
