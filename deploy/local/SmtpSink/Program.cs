using VulnPlatform.SmtpSink;

// The development mail sink: `dotnet VulnPlatform.SmtpSink.dll [port] [folder] [address]` accepts mail
// on address:port (127.0.0.1:2525; a container listens on 0.0.0.0) and keeps every message as an .eml
// file in folder (.run/mail).
var port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2525;
var folder = Path.GetFullPath(args.Length > 1 ? args[1] : Path.Combine(".run", "mail"));
var address = args.Length > 2 ? System.Net.IPAddress.Parse(args[2]) : System.Net.IPAddress.Loopback;
await using var sink = MailSink.Start(port, folder, address);
Console.WriteLine($"mail sink: smtp://{address}:{port}, messages in {folder}");
var stopped = new TaskCompletionSource();
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stopped.TrySetResult();
});
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopped.TrySetResult();
};
await stopped.Task;
