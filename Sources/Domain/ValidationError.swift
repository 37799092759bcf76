/// One rejected input field and why, in words a CMS developer can show next to the field.
public struct FieldProblem: Sendable, Equatable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// Input that breaks a domain rule; the edge turns it into a 422 listing every problem.
public struct ValidationError: Error, Sendable, Equatable {
    public var problems: [FieldProblem]

    public init(problems: [FieldProblem]) {
        self.problems = problems
    }

    public init(field: String, message: String) {
        self.problems = [FieldProblem(field: field, message: message)]
    }
}
