//! Writing a [`SocialGraph`] as CSV files in the neo4j-admin import header convention.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::{Dated, SocialGraph};

/// One file written: its name and the number of data rows (header excluded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    pub name: String,
    pub rows: usize,
}

/// A CSV field: quoted only when it holds a comma, a quote or a line break.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

struct CsvFile {
    out: BufWriter<File>,
    name: String,
    rows: usize,
}

impl CsvFile {
    fn create(dir: &Path, name: &str, header: &str) -> std::io::Result<CsvFile> {
        let mut out = BufWriter::new(File::create(dir.join(name))?);
        writeln!(out, "{header}")?;
        Ok(CsvFile {
            out,
            name: name.to_string(),
            rows: 0,
        })
    }

    fn row(&mut self, fields: std::fmt::Arguments) -> std::io::Result<()> {
        self.rows += 1;
        self.out.write_fmt(fields)?;
        self.out.write_all(b"\n")
    }

    fn finish(mut self) -> std::io::Result<WrittenFile> {
        self.out.flush()?;
        Ok(WrittenFile {
            name: self.name,
            rows: self.rows,
        })
    }
}

/// A file of named entities: `id,name,label`.
fn named(dir: &Path, label: &str, names: &[&str]) -> std::io::Result<WrittenFile> {
    let mut f = CsvFile::create(
        dir,
        &format!("{label}.csv"),
        &format!("id:ID({label}),name,:LABEL"),
    )?;
    for (i, name) in names.iter().enumerate() {
        f.row(format_args!("{},{},{label}", i + 1, field(name)))?;
    }
    f.finish()
}

/// A file of dated relationships between two ID spaces.
fn dated(
    dir: &Path,
    kind: &str,
    (from, to): (&str, &str),
    rels: &[Dated],
) -> std::io::Result<WrittenFile> {
    let header = format!(":START_ID({from}),:END_ID({to}),creationDate:long,:TYPE");
    let mut f = CsvFile::create(dir, &format!("{kind}.csv"), &header)?;
    for r in rels {
        f.row(format_args!(
            "{},{},{},{kind}",
            r.from + 1,
            r.to + 1,
            r.creation_date
        ))?;
    }
    f.finish()
}

/// A file of undated relationships given as (from index, to index) pairs.
fn plain(
    dir: &Path,
    kind: &str,
    (from, to): (&str, &str),
    rels: impl Iterator<Item = (usize, usize)>,
) -> std::io::Result<WrittenFile> {
    let header = format!(":START_ID({from}),:END_ID({to}),:TYPE");
    let mut f = CsvFile::create(dir, &format!("{kind}.csv"), &header)?;
    for (a, b) in rels {
        f.row(format_args!("{},{},{kind}", a + 1, b + 1))?;
    }
    f.finish()
}

impl SocialGraph {
    /// Writes the graph into `dir` (created if missing): `Country.csv`, `City.csv`,
    /// `Tag.csv`, `Person.csv`, `Post.csv`, one file per relationship type, and
    /// `params.json`. Ids are integers, one ID space per label.
    pub fn write_csv(&self, dir: &Path) -> std::io::Result<Vec<WrittenFile>> {
        std::fs::create_dir_all(dir)?;
        let mut files = Vec::new();
        let countries: Vec<&str> = self.countries.iter().map(String::as_str).collect();
        files.push(named(dir, "Country", &countries)?);
        let cities: Vec<&str> = self.cities.iter().map(|(name, _)| name.as_str()).collect();
        files.push(named(dir, "City", &cities)?);
        let tags: Vec<&str> = self.tags.iter().map(String::as_str).collect();
        files.push(named(dir, "Tag", &tags)?);

        let mut f = CsvFile::create(
            dir,
            "Person.csv",
            "id:ID(Person),firstName,lastName,gender,birthYear:int,creationDate:long,:LABEL",
        )?;
        for (i, p) in self.persons.iter().enumerate() {
            f.row(format_args!(
                "{},{},{},{},{},{},Person",
                i + 1,
                field(p.first_name),
                field(p.last_name),
                p.gender,
                p.birth_year,
                p.creation_date
            ))?;
        }
        files.push(f.finish()?);
        let mut f = CsvFile::create(
            dir,
            "Post.csv",
            "id:ID(Post),creationDate:long,length:int,:LABEL",
        )?;
        for (i, m) in self.posts.iter().enumerate() {
            f.row(format_args!(
                "{},{},{},Post",
                i + 1,
                m.creation_date,
                m.length
            ))?;
        }
        files.push(f.finish()?);

        let in_country = self
            .cities
            .iter()
            .enumerate()
            .map(|(c, (_, country))| (c, *country));
        files.push(plain(dir, "IN_COUNTRY", ("City", "Country"), in_country)?);
        let lives_in = self
            .persons
            .iter()
            .enumerate()
            .map(|(p, person)| (p, person.city));
        files.push(plain(dir, "LIVES_IN", ("Person", "City"), lives_in)?);
        files.push(dated(dir, "KNOWS", ("Person", "Person"), &self.knows)?);
        let creators = self
            .posts
            .iter()
            .enumerate()
            .map(|(m, post)| (m, post.creator));
        files.push(plain(dir, "HAS_CREATOR", ("Post", "Person"), creators)?);
        let tagged = self
            .posts
            .iter()
            .enumerate()
            .flat_map(|(m, post)| post.tags.iter().map(move |t| (m, *t)));
        files.push(plain(dir, "HAS_TAG", ("Post", "Tag"), tagged)?);
        files.push(dated(dir, "LIKES", ("Person", "Post"), &self.likes)?);

        let p = &self.params;
        let params = serde_json::json!({
            "person": p.person,
            "far_person": p.far_person,
            "far_distance": p.far_distance,
        });
        let text = serde_json::to_string_pretty(&params).map_err(std::io::Error::other)?;
        std::fs::write(dir.join("params.json"), text + "\n")?;
        Ok(files)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{generate_social, SocialConfig};
    use super::*;

    fn write(persons: usize, seed: u64, dir: &Path) -> Vec<WrittenFile> {
        generate_social(SocialConfig { persons, seed })
            .write_csv(dir)
            .expect("writes into a temporary folder")
    }

    #[test]
    fn same_seed_gives_byte_identical_files() {
        let base = std::env::temp_dir().join(format!("baobab-datagen-{}", std::process::id()));
        let (a, b, c) = (base.join("a"), base.join("b"), base.join("c"));
        let written = write(1200, 11, &a);
        write(1200, 11, &b);
        write(1200, 12, &c);
        let read = |dir: &Path, name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
        let mut names: Vec<&str> = written.iter().map(|w| w.name.as_str()).collect();
        names.push("params.json");
        let same = names.iter().all(|name| read(&a, name) == read(&b, name));
        let differ = names.iter().any(|name| read(&a, name) != read(&c, name));
        // Row counts match the files, and the headers follow the import convention.
        let counts: Vec<(usize, usize)> = written
            .iter()
            .map(|w| (read(&a, &w.name).lines().count(), w.rows + 1))
            .collect();
        let person = read(&a, "Person.csv");
        let knows = read(&a, "KNOWS.csv");
        std::fs::remove_dir_all(&base).ok();
        assert_eq!(written.len(), 11);
        assert!(same, "same seed, same bytes");
        assert!(differ, "another seed, other bytes");
        assert!(
            counts.iter().all(|(lines, rows)| lines == rows),
            "{counts:?}"
        );
        assert!(person.starts_with("id:ID(Person),firstName,"));
        assert!(knows.starts_with(":START_ID(Person),:END_ID(Person),creationDate:long,:TYPE\n"));
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("Mali"), "Mali");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
