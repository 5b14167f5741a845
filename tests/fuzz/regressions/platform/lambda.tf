resource "aws_lambda_function" "api" {
  environment {
    variables = {
      DATABASE_URL = "postgresql://u:p@h/db"
    }
  }
}
