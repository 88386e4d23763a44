using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace K8sComm.Sandbox.ApiServer;

/// <summary>Writes JSON bodies and the API server's <c>Status</c> errors.</summary>
public static class ApiResponses
{
    public static Task Json(HttpContext context, JsonNode body, int statusCode = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8, context.RequestAborted);
    }

    public static Task Text(HttpContext context, string body, int statusCode = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(body, Encoding.UTF8, context.RequestAborted);
    }

    /// <summary>The metav1.Status shape every Kubernetes client decodes for a failed call.</summary>
    public static JsonObject Status(int code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null) status["details"] = details;
        status["code"] = code;
        return status;
    }

    public static Task Failure(HttpContext context, int code, string reason, string message, JsonObject? details = null) =>
        Json(context, Status(code, reason, message, details), code);

    public static Task Unauthorized(HttpContext context) =>
        Failure(context, StatusCodes.Status401Unauthorized, "Unauthorized", "Unauthorized");

    public static Task Forbidden(HttpContext context, UserInfo user, RequestInfo request)
    {
        string message;
        JsonObject? details = null;
        if (request.IsResourceRequest)
        {
            var resource = request.Subresource is null ? request.Resource : $"{request.Resource}/{request.Subresource}";
            var target = request.Name is null ? resource : $"{resource} \"{request.Name}\"";
            var scope = request.Namespace is not null && request.Resource != "namespaces"
                ? $" in the namespace \"{request.Namespace}\""
                : " at the cluster scope";
            message = $"{target} is forbidden: User \"{user.Name}\" cannot {request.Verb} resource \"{resource}\" " +
                      $"in API group \"{request.Group}\"{scope}";
            details = new JsonObject { ["kind"] = request.Resource };
            if (request.Name is not null) details["name"] = request.Name;
            if (request.Group.Length > 0) details["group"] = request.Group;
        }
        else
        {
            message = $"forbidden: User \"{user.Name}\" cannot {request.Verb} path \"{request.Path}\"";
        }

        return Failure(context, StatusCodes.Status403Forbidden, "Forbidden", message, details);
    }

    public static Task NotFound(HttpContext context, string kind, string name) =>
        Failure(context, StatusCodes.Status404NotFound, "NotFound", $"{kind} \"{name}\" not found",
            new JsonObject { ["name"] = name, ["kind"] = kind });

    public static Task NoSuchPath(HttpContext context) =>
        Failure(context, StatusCodes.Status404NotFound, "NotFound", "the server could not find the requested resource");

    public static Task BadRequest(HttpContext context, string message) =>
        Failure(context, StatusCodes.Status400BadRequest, "BadRequest", message);

    public static Task MethodNotAllowed(HttpContext context, string verb, string resource) =>
        Failure(context, StatusCodes.Status405MethodNotAllowed, "MethodNotAllowed",
            $"{verb} is not supported on resources of kind \"{resource}\" by the sandbox");
}
