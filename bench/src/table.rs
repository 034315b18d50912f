//! Markdown tables for the reports, written a column at a time: each header sits beside the cell
//! it heads, so a column added or moved cannot leave the header row out of step with the rows.

use std::fmt::Write as _;

/// One column: its header, and how a row's cell reads.
pub type Column<'a, R> = (&'a str, &'a dyn Fn(&R) -> String);

/// Appends the table of `rows` to `out`, then a blank line.
pub fn write<R>(out: &mut String, rows: &[R], columns: &[Column<'_, R>]) {
    let line = |cells: Vec<String>| format!("| {} |", cells.join(" | "));
    let _ = writeln!(out, "{}", line(columns.iter().map(|(header, _)| (*header).to_owned()).collect()));
    let _ = writeln!(out, "|{}", "---|".repeat(columns.len()));
    for row in rows {
        let _ = writeln!(out, "{}", line(columns.iter().map(|(_, cell)| cell(row)).collect()));
    }
    let _ = writeln!(out);
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_table_has_a_header_a_rule_and_a_row_each() {
        let mut out = String::new();
        super::write(
            &mut out,
            &[(1, 2.5), (3, 4.25)],
            &[("n", &|r: &(i32, f64)| r.0.to_string()), ("x ms", &|r: &(i32, f64)| format!("{:.1}", r.1))],
        );
        assert_eq!(out, "| n | x ms |\n|---|---|\n| 1 | 2.5 |\n| 3 | 4.2 |\n\n");
    }
}
